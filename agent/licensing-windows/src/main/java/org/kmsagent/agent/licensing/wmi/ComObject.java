package org.kmsagent.agent.licensing.wmi;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Objects;

/**
 * A COM interface pointer, called through its vtable by slot number (the order of the interface's methods in its
 * IDL, {@code IUnknown}'s three first). Owns one reference: {@link #close()} calls {@code Release}. Not thread-safe;
 * used on the thread that made it (the WMI writer's calls are per thread, in the multi-threaded apartment).
 */
final class ComObject implements AutoCloseable {
    /** {@code IUnknown::Release}. */
    private static final int RELEASE = 2;

    private final Pointer self;
    private boolean released;

    ComObject(Pointer self) {
        this.self = Objects.requireNonNull(self, "a COM call returned a null interface pointer");
    }

    Pointer pointer() {
        return self;
    }

    /** Calls the method in vtable slot {@code slot} with {@code this} first and returns its HRESULT. */
    int call(int slot, Object... args) {
        Pointer vtable = self.getPointer(0);
        Function method = Function.getFunction(vtable.getPointer((long) slot * Native.POINTER_SIZE));
        Object[] withThis = new Object[args.length + 1];
        withThis[0] = self;
        System.arraycopy(args, 0, withThis, 1, args.length);
        return method.invokeInt(withThis);
    }

    @Override
    public void close() {
        if (!released) {
            released = true;
            call(RELEASE);
        }
    }
}
