package org.openstrat.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void resultsComeBackInTheCallersOrderWhateverOrderTheyFinishIn() {
    ExecutorService pool = SideBySide.pool("test-side", 3);
    try {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      List<Future<Integer>> f = new ArrayList<>();
      f.add(pool.submit(() -> {
        gate.join(); // the first finishes last
        return 1;
      }));
      f.add(pool.submit(() -> 2));
      f.add(pool.submit(() -> {
        gate.complete(null);
        return 3;
      }));
      assertThat(f.stream().map(SideBySide::await).toList()).containsExactly(1, 2, 3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailureIsTheCallersAsItWas() {
    ExecutorService pool = SideBySide.pool("test-side", 2);
    try {
      IllegalArgumentException bad = new IllegalArgumentException("bad row");
      Future<Object> unchecked = pool.submit(() -> {
        throw bad;
      });
      assertThatThrownBy(() -> SideBySide.await(unchecked)).isSameAs(bad);
      Future<Object> io = pool.submit(() -> {
        throw new IOException("disk full");
      });
      assertThatThrownBy(() -> SideBySide.await(io)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("disk full");
      // for callers that fail with IOException: the I/O failure itself, however it was thrown
      IOException full = new IOException("disk full");
      Future<Object> checked = pool.submit(() -> {
        throw full;
      });
      assertThatThrownBy(() -> SideBySide.awaitIo(checked)).isSameAs(full);
      Future<Object> wrapped = pool.submit(() -> {
        throw new UncheckedIOException(full);
      });
      assertThatThrownBy(() -> SideBySide.awaitIo(wrapped)).isSameAs(full);
      assertThatThrownBy(() -> SideBySide.awaitIo(unchecked)).isSameAs(bad);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void itsThreadsNeverKeepTheJvmUp() throws Exception {
    ExecutorService pool = SideBySide.pool("test-side", 1);
    try {
      assertThat(pool.submit(() -> Thread.currentThread().isDaemon()).get()).isTrue();
      assertThat(pool.submit(() -> Thread.currentThread().getName()).get()).isEqualTo("test-side");
    } finally {
      pool.shutdownNow();
    }
  }
}
