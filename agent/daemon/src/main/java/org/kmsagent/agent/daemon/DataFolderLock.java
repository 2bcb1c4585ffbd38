package org.kmsagent.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.kmsagent.agent.core.OwnerOnly;

/**
 * One agent per data folder: an exclusive lock on {@code <dataDir>/agent.lock}, held from the start of
 * {@code kms-agent run} (or the Windows service, which starts the same daemon) until it stops. A second agent on the
 * same folder would overwrite the first one's {@code state.json} with its own schedules. The operating system drops
 * the lock when the process ends, however it ends, so a crash leaves nothing to clean up; the file stays, holding the
 * process id of the agent that last held it. Commands that only read the folder ({@code status}, {@code doctor}) do
 * not take it.
 */
final class DataFolderLock implements AutoCloseable {
    /** The lock file's name in the data folder (docs/operations.md). */
    static final String FILE = "agent.lock";

    /**
     * The byte locked: far beyond the process id written at the start of the file, because on Windows a lock also
     * stops other processes from reading the bytes it covers, and the second agent reads the id to name the first.
     */
    private static final long LOCKED_BYTE = Long.MAX_VALUE - 1;

    /**
     * The folders locked by agents of this process. Checked before the file is opened: on POSIX systems closing any
     * channel to a file drops every lock the process holds on it, so a second agent of the same process (tests, an
     * embedding) must not so much as open the file to find out.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(Path folder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, or fails at once if another agent holds it.
     *
     * @throws InUseException another agent (in another process or this one) runs on {@code dataDir}
     * @throws IOException the lock file cannot be opened or written
     */
    static DataFolderLock acquire(Path dataDir) throws IOException {
        Path folder = dataDir.toRealPath();
        if (!HELD.add(folder)) {
            throw running(dataDir, String.valueOf(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            Path file = folder.resolve(FILE);
            // Owner-only, as the folder is: it names only the agent's process, but the folder's files follow one rule.
            channel = FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    OwnerOnly.fileAttributes(file));
            FileLock lock = channel.tryLock(LOCKED_BYTE, 1, false);
            if (lock == null) {
                throw running(dataDir, holder(channel));
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataFolderLock(folder, channel, lock);
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                HELD.remove(folder);
            }
            throw e;
        }
    }

    private static InUseException running(Path dataDir, String pid) {
        return new InUseException("another kms-agent is running on the data folder " + dataDir
                + (pid == null ? "" : " (pid " + pid + ")"));
    }

    /** Another agent, in another process or this one, holds the folder. */
    static final class InUseException extends IllegalStateException {
        InUseException(String message) {
            super(message);
        }
    }

    /** The process id the holder wrote, or null when there is none yet (or it is not one). */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(24);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,19}") ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Lets the next agent start on the folder. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(folder);
            }
        }
    }
}
