package io.pgrouter.samples.demo;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) into an interrupt of the demo's thread for the length of a run, then puts the JVM's own
 * handler back. Written by hand with {@code sun.misc.Signal} (module jdk.unsupported, still supported for this
 * use): the JDK has no public API for it, and a shutdown hook cannot stop the test kit's hook from stopping the
 * servers while the load still runs.
 */
final class CtrlC {

    private final Signal signal;
    private final SignalHandler previous;

    private CtrlC(Signal signal, SignalHandler previous) {
        this.signal = signal;
        this.previous = previous;
    }

    static CtrlC install(Thread target) {
        Signal interrupt = new Signal("INT");
        SignalHandler previous = Signal.handle(interrupt, s -> target.interrupt());
        return new CtrlC(interrupt, previous);
    }

    void uninstall() {
        Signal.handle(signal, previous);
    }
}
