package org.kmsagent.agent.bench;

/**
 * The baseline of the start-up benchmark: a bare JVM printing hello (and, with a number of seconds, idling that long
 * so its resident memory and CPU can be read like the agent's).
 */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("hello");
        System.out.flush();
        if (args.length > 0) {
            Thread.sleep(Long.parseLong(args[0]) * 1000);
        }
    }
}
