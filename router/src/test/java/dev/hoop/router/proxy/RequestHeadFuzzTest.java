package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.Route;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.HostNames;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.RouterMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Fuzzing of the router's request head and Host handling: any bytes from a client go through the
 * production codec, the smuggling checks and the front end (route store: no such host) without an
 * exception escaping, and what the router writes back is only whole HTTP/1.1 answers of its own
 * (200 for the ping, 400, 501). Host headers of any text normalise and expand to lookup keys
 * without failing. In a plain build these run over the seeds in {@code RequestHeadFuzzTestInputs};
 * CI's fuzz runner explores further.
 */
class RequestHeadFuzzTest {
    private static final Pattern ANSWER = Pattern.compile(
            "HTTP/1\\.1 (200 OK|400 Bad Request|501 Not Implemented)\\r\\n(?:[a-z-]+: [^\\r\\n]*\\r\\n)+\\r\\n[\\s\\S]*");

    @FuzzTest(maxDuration = "20s")
    void requestHead(byte[] input) throws Exception {
        RouterConfig.Server settings = new RouterConfig.Server(null, 1, 10, 30, 30, 0, false, true, null, null,
                false, 0, null, null);
        ProxyServices services = new ProxyServices(settings,
                new RouteLookup(new FrontendHandlerTest.FixedStore(CompletableFuture.completedFuture(Route.NONE)), null),
                AccessLog.open(null), new RouterMetrics(), null);
        EmbeddedChannel ch = new EmbeddedChannel(new RequestCodec(new HttpDecoderConfig().setMaxHeaderSize(16 * 1024)
                .setStrictLineParsing(true).setUseRfc9112TransferEncoding(true)), new FrontendHandler(services, "http"));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
            ch.runPendingTasks();
            ch.checkException();
            StringBuilder out = new StringBuilder();
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            if (!out.isEmpty()) {
                assertThat(out.toString()).matches(ANSWER);
            }
            assertThat(ch.inboundMessages()).isEmpty(); // the front end is the last handler: it takes everything
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void hostHeader(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1);
        String host = HostNames.normalize(header);
        assertThat(host).isEqualTo(host.toLowerCase(Locale.ROOT));
        if (!host.startsWith("[")) {
            assertThat(host).doesNotContain(":");
        }
        List<String> keys = HostNames.candidates(host);
        assertThat(keys.getFirst()).isEqualTo(host);
        assertThat(keys.getLast()).isEqualTo("*");
        assertThat(keys.size()).isBetween(2, 7);
    }
}
