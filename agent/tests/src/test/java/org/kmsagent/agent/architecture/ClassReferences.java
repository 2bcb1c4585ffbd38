package org.kmsagent.agent.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one compiled class refers to, read from its constant pool: the classes it names (calls, fields,
 * casts, catches) and every class in its descriptors and generic signatures. That is what the compiler made it
 * depend on; Javadoc-only mentions leave no trace and are not dependencies.
 */
final class ClassReferences {
    /** A class type inside a descriptor or signature, e.g. {@code Lorg/kmsagent/api/Sku;} or {@code Ljava/util/List<}. */
    private static final Pattern TYPE = Pattern.compile("L([\\w/$]+)[;<]");

    private ClassReferences() {}

    /** Internal names (a/b/C) of the classes this class file refers to, itself included. */
    static Set<String> of(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNames = new int[count];
        int classes = 0;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames[classes++] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt(); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double take two slots
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int c = 0; c < classes; c++) {
            String name = utf8[classNames[c]];
            if (name.startsWith("[")) {
                typesIn(name, names); // an array class: its element type, if a class
            } else {
                names.add(name);
            }
        }
        // Descriptors and signatures are plain UTF-8 entries; scanning them all also finds types used only there
        // (a parameter, a field's generic type). String constants use dots, so they do not match.
        for (String s : utf8) {
            if (s != null) {
                typesIn(s, names);
            }
        }
        return names;
    }

    private static void typesIn(String text, Set<String> names) {
        Matcher m = TYPE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
    }
}
