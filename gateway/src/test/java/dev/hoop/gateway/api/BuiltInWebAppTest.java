package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without STATIC_UI_PATH, the app built into the gateway's jar answers every path outside /api. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltInWebAppTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway();
    TestGateway gw;

    @BeforeAll
    void start() {
        gw = fixture.gw();
    }

    @Test
    void servesTheAppItsModulesAndClientRoutes() {
        TestGateway.Answer index = gw.get("/", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.raw()).contains("<script type=\"module\" src=\"/js/app.js\"></script>");
        TestGateway.Answer app = gw.get("/js/app.js", null);
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.raw()).contains("import {routes");
        assertThat(gw.get("/sessions/3f2a/replay", null).raw()).isEqualTo(index.raw());
        assertThat(gw.get("/connections/db.prod", null).raw()).isEqualTo(index.raw());
    }

    @Test
    void folderNamesAndClassPathNeighboursAreNotServed() {
        TestGateway.Answer folder = gw.get("/js", null);
        assertThat(folder.raw()).contains("<script type=\"module\"");
        // the gateway's own classes sit beside the app on the class path
        TestGateway.Answer outside = gw.get("/../api/StaticFiles.class", null);
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.raw()).startsWith("{\"message\":\"path escapes the web app folder");
    }
}
