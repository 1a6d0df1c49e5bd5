package dev.hoop.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** io_uring by default where the kernel has it; a transport named by property or variable always wins. */
class RouterTransportTest {
    @ParameterizedTest(name = "property={0} env={1} io_uring={2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            "null,  null,  true,  io_uring",
            "null,  null,  false, null",
            "'',    '',    true,  io_uring",
            "epoll, null,  true,  null",
            "null,  epoll, true,  null",
            "nio,   epoll, true,  null",
            "null,  nio,   false, null",
    })
    void defaultFor(String property, String env, boolean available, String expected) {
        assertThat(RouterTransport.defaultFor(property, env, available)).isEqualTo(expected);
    }
}
