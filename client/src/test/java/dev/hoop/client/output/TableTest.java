package dev.hoop.client.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TableTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void padsColumnsJoinsArraysAndShowsMissingValuesAsDash() throws Exception {
        Table table = Table.of("NAME", "name", "GROUPS", "groups", "HOST", "hostname");
        String rendered = table.render(json.readTree("""
                [{"name":"a","groups":["admin","dev"],"hostname":null},
                 {"name":"longer-name","groups":[],"hostname":"box"}]"""));

        assertThat(rendered).isEqualTo("""
                NAME         GROUPS     HOST
                a            admin,dev  -
                longer-name  -          box
                """);
    }

    @Test
    void oneObjectIsOneRowAndAnEmptyListOnlyTheHeader() throws Exception {
        Table table = Table.of("ID", "id", "N", "n");
        assertThat(table.render(json.readTree("{\"id\":7,\"n\":\"x\"}"))).isEqualTo("ID  N\n7   x\n");
        assertThat(table.render(json.readTree("[]"))).isEqualTo("ID  N\n");
    }
}
