package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The app's own scripts (not the vendored ones) keep the rules the CSP and the review rely on: text
 * from the API goes in as text (no HTML sinks), no inline styles (the CSP blocks them), no eval, and
 * only api.js touches the browser's storage (the session token, nothing else). Each vendored
 * library carries its licence.
 */
class WebAppSourcesTest {
    static final Path APP = Path.of("src/main/resources/dev/hoop/gateway/webapp");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|new Function\\(|setAttribute\\('style'|\\bstyle:\\s|'style':|\\.cssText");
    private static final Pattern STORAGE = Pattern.compile("localStorage|sessionStorage|indexedDB|document\\.cookie");

    private static List<Path> ownScripts() throws IOException {
        try (Stream<Path> files = Files.walk(APP.resolve("js"))) {
            return files.filter(f -> f.toString().endsWith(".js")).toList();
        }
    }

    @Test
    void ownScriptsUseNoHtmlSinkInlineStyleOrEval() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path f : ownScripts()) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (FORBIDDEN.matcher(lines.get(i)).find()) {
                    found.add(APP.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(ownScripts()).hasSizeGreaterThan(10);
        assertThat(found).as("HTML sinks, inline styles or eval in the app's scripts").isEmpty();
    }

    @Test
    void onlyTheApiModuleTouchesTheBrowsersStorage() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path f : ownScripts()) {
            if (!f.getFileName().toString().equals("api.js") && STORAGE.matcher(Files.readString(f)).find()) {
                found.add(APP.relativize(f).toString());
            }
        }
        assertThat(found).as("scripts that read or write browser storage besides js/api.js").isEmpty();
    }

    @Test
    void everyVendoredLibraryHasItsLicence() throws IOException {
        try (Stream<Path> libs = Files.list(APP.resolve("vendor"))) {
            List<Path> all = libs.filter(Files::isDirectory).toList();
            assertThat(all).isNotEmpty();
            assertThat(all).allSatisfy(lib -> assertThat(lib.resolve("LICENSE")).isRegularFile());
        }
    }
}
