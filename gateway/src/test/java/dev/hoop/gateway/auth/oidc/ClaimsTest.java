package dev.hoop.gateway.auth.oidc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaimsTest {
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(Map.of("groups", List.of("admin", "dba")), "groups", List.of("admin", "dba")),
                Arguments.of(Map.of("groups", List.of("admin", " ", "admin", 42)), "groups", List.of("admin", "42")),
                Arguments.of(Map.of("groups", "admin dba"), "groups", List.of("admin", "dba")),
                Arguments.of(Map.of("groups", "admin,dba, ops"), "groups", List.of("admin", "dba", "ops")),
                Arguments.of(Map.of("groups", ""), "groups", List.of()),
                Arguments.of(Map.of("groups", List.of()), "groups", List.of()),
                Arguments.of(Map.of("roles", List.of("x")), "roles", List.of("x")),
                Arguments.of(Map.of("realm_access", Map.of("roles", List.of("a", "b"))), "realm_access.roles", List.of("a", "b")),
                Arguments.of(Map.of("cognito:groups", List.of("c")), "cognito:groups", List.of("c")));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void groupsInEveryShape(Map<String, Object> claims, String claim, List<String> expected) {
        assertThat(Claims.groups(claims, claim).names()).isEqualTo(expected);
    }

    @Test
    void absentGroupsClaimIsNotAnEmptyList() {
        assertThat(Claims.groups(Map.of("other", "x"), "groups")).isNull();
        assertThat(Claims.groups(Map.of("realm_access", "x"), "realm_access.roles")).isNull();
    }

    @Test
    void identityTakesNameOrPreferredUsername() throws Exception {
        OidcIdentity id = Claims.identity(Map.of("sub", "s1", "preferred_username", "neo"), "groups", "tok");
        assertThat(id).extracting(OidcIdentity::subject, OidcIdentity::email, OidcIdentity::name, OidcIdentity::groups,
                OidcIdentity::groupsClaimPresent).containsExactly("s1", null, "neo", List.of(), false);
        assertThatThrownBy(() -> Claims.identity(Map.of("email", "x@y"), "groups", "tok"))
                .isInstanceOf(InvalidTokenException.class).hasMessage("the token names no user (no 'sub' claim)");
    }
}
