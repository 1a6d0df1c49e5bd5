package dev.hoop.gateway.auth.oidc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every line this package logs at DEBUG, during logins and rejections, is free of tokens, codes and secrets. */
class SecretsInLogsTest {
    private final Logger packageLogger = (Logger) LoggerFactory.getLogger("dev.hoop.gateway.auth.oidc");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Level previous;
    private TestIdp idp;

    @BeforeEach
    void capture() {
        previous = packageLogger.getLevel();
        packageLogger.setLevel(Level.DEBUG);
        captured.start();
        packageLogger.addAppender(captured);
        idp = new TestIdp();
    }

    @AfterEach
    void release() {
        packageLogger.detachAppender(captured);
        packageLogger.setLevel(previous);
        idp.close();
    }

    @Test
    void noSecretReachesTheLog() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(TestIdp.CLIENT_SECRET));

        OidcProvider provider = OidcProvider.discover(idp.settings(false, null));
        LoginRequest login = provider.loginRequest(null);
        secrets.addAll(List.of(login.state().nonce(), login.state().codeVerifier()));
        idp.nextLogin("alice", List.of(TestIdp.CLIENT_ID), Map.of("groups", List.of("dba")), 300);
        Map<String, String> back = OidcLoginFlowTest.authorize(login.loginUrl());
        secrets.add(back.get("code"));
        OidcIdentity id = provider.callback(back.get("code"), back.get("state"), login.state());
        secrets.add(id.accessToken());

        String wrongAudience = idp.token("alice", "other-api", Map.of(), 300);
        secrets.add(wrongAudience);
        assertThatThrownBy(() -> provider.accessTokenVerifier().verify(wrongAudience)).isInstanceOf(InvalidTokenException.class);

        OidcProvider userinfo = OidcProvider.discover(idp.settings(true, null));
        secrets.add("opaque-secret-token-1");
        assertThatThrownBy(() -> userinfo.accessTokenVerifier().verify("opaque-secret-token-1")).isInstanceOf(InvalidTokenException.class);

        List<String> lines = captured.list.stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        assertThat(lines).anyMatch(l -> l.contains("rejected"));
        for (String secret : secrets) {
            assertThat(lines).noneMatch(l -> l.contains(secret));
        }
    }
}
