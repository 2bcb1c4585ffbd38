package org.kmsagent.agent.host;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract, run against each implementation. */
class LedgerContractTests {

    @Nested
    class H2File extends ActivationLedgerHistoryContract {
        @TempDir
        Path dir;

        @Override
        protected ActivationLedger open() {
            return H2ActivationLedger.openFile(dir.resolve("contract"));
        }
    }

    @Nested
    class H2InMemory extends ActivationLedgerHistoryContract {
        @Override
        protected ActivationLedger open() {
            return H2ActivationLedger.inMemory();
        }
    }

    @Nested
    class PlainMemory extends ActivationLedgerContract {
        @Override
        protected ActivationLedger open() {
            return new MemoryActivationLedger();
        }
    }
}
