package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.Route;
import dev.hoop.router.driver.RouteStore;
import dev.hoop.router.driver.RouteStoreException;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.RouterMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FrontendHandler} behind the production codec on an {@link EmbeddedChannel}, with a route
 * store that answers what each case needs: every answer the router gives by itself, byte for byte,
 * then nothing else.
 */
class FrontendHandlerTest {
    /** A store with one fixed answer, counting its reads. */
    static final class FixedStore implements RouteStore {
        final CompletableFuture<Route> answer;
        int reads;

        FixedStore(CompletableFuture<Route> answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<Route> read(List<String> candidates) {
            reads++;
            return answer;
        }

        @Override
        public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String describe() {
            return "fixed";
        }

        @Override
        public void close() {}
    }

    private EmbeddedChannel ch;
    private FixedStore store;

    private EmbeddedChannel channel(CompletableFuture<Route> answer) throws IOException {
        store = new FixedStore(answer);
        RouterConfig.Server settings = new RouterConfig.Server(null, 1, 10, 30, 30, 0, false, true, null, null,
                false, 0, null, null);
        ProxyServices services = new ProxyServices(settings, new RouteLookup(store, null), AccessLog.open(null),
                new RouterMetrics(), null);
        ch = new EmbeddedChannel(new RequestCodec(new HttpDecoderConfig().setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)), new FrontendHandler(services, "http"));
        return ch;
    }

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
    }

    private String send(String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks(); // the route store read goes out after the loop's I/O
        return written();
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static String page(int code, String phrase, String reason, boolean close) {
        String body = code + " " + phrase + ": " + reason + "\n";
        return "HTTP/1.1 " + code + " " + phrase + "\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "cache-control: no-cache, no-store, must-revalidate\r\n"
                + "pragma: no-cache\r\n"
                + "expires: 0\r\n"
                + (close ? "connection: close\r\n" : "")
                + "\r\n" + body;
    }

    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n"
            + "cache-control: no-cache\r\n\r\nok";

    @Test
    void pingIsAnsweredWithoutTheStoreAndTheConnectionStays() throws IOException {
        channel(new CompletableFuture<>());
        assertThat(send("GET / HTTP/1.1\r\nHost: __ping__\r\n\r\n")).isEqualTo(OK);
        assertThat(send("GET / HTTP/1.1\r\nHost: __ping__:80\r\n\r\n")).isEqualTo(OK);
        assertThat(store.reads).isZero();
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.inboundMessages()).isEmpty();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAtATime() throws IOException {
        channel(CompletableFuture.completedFuture(Route.NONE));
        String out = send("GET / HTTP/1.1\r\nHost: __ping__\r\n\r\nGET / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: __ping__\r\n\r\n");
        assertThat(out).isEqualTo(OK + page(400, "Bad Request", "unknown virtual host 'nowhere.test'", false) + OK);
        assertThat(store.reads).isEqualTo(1);
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.outboundMessages()).isEmpty();
    }

    static Stream<Arguments> ownAnswers() {
        return Stream.of(
                Arguments.of("GET / HTTP/1.1\r\n\r\n", CompletableFuture.completedFuture(Route.NONE),
                        page(400, "Bad Request", "no Host header (expected: Host: <virtual host>)", false), true),
                Arguments.of("GET / HTTP/1.1\r\nHost: Nowhere.Test:8080\r\n\r\n", CompletableFuture.completedFuture(Route.NONE),
                        page(400, "Bad Request", "unknown virtual host 'nowhere.test'", false), true),
                Arguments.of("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
                        CompletableFuture.completedFuture(new Route("a.test", "app", List.of(), Set.of())),
                        page(502, "Bad Gateway", "frontend 'a.test' has no backends", false), true),
                Arguments.of("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
                        CompletableFuture.failedFuture(new RouteStoreException("Redis at redis://x is not connected", null)),
                        page(502, "Bad Gateway", "route store unavailable (Redis at redis://x is not connected); "
                                + "try again shortly", false), true),
                Arguments.of("GET / HTTP/1.0\r\nHost: nowhere.test\r\n\r\n", CompletableFuture.completedFuture(Route.NONE),
                        page(400, "Bad Request", "unknown virtual host 'nowhere.test'", true), false),
                Arguments.of("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", new CompletableFuture<Route>(),
                        page(400, "Bad Request", "more than one Host header ('a.test', 'b.test'); send exactly one", true),
                        false),
                Arguments.of("GET / HTTP/1.1\r\nHost: a.test\r\nX: a\r\n b\r\n\r\n", new CompletableFuture<Route>(),
                        page(400, "Bad Request", "malformed request (" + RequestCodec.OBS_FOLD + ")", true), false),
                Arguments.of("POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        new CompletableFuture<Route>(),
                        page(501, "Not Implemented", "Transfer-Encoding 'gzip, chunked' is not supported (expected: chunked)",
                                true), false),
                Arguments.of("GET / HTTP/1.1\r\nHost: a.test\r\nContent-Length: x\r\n\r\n", new CompletableFuture<Route>(),
                        page(400, "Bad Request", "malformed request (Content-Length value is not a number: x)", true),
                        false));
    }

    @ParameterizedTest
    @MethodSource("ownAnswers")
    void theRoutersOwnAnswers(String request, CompletableFuture<Route> store, String expected, boolean staysOpen)
            throws IOException {
        channel(store);
        assertThat(send(request)).isEqualTo(expected);
        assertThat(ch.isOpen()).isEqualTo(staysOpen);
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.inboundMessages()).isEmpty();
    }

    @Test
    void aRequestAfterARefusedOneIsNeverRead() throws IOException {
        channel(CompletableFuture.completedFuture(Route.NONE));
        String out = send("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\nGET / HTTP/1.1\r\nHost: __ping__\r\n\r\n");
        assertThat(out).isEqualTo(page(400, "Bad Request",
                "more than one Host header ('a.test', 'b.test'); send exactly one", true));
        assertThat(store.reads).isZero();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.outboundMessages()).isEmpty();
    }
}
