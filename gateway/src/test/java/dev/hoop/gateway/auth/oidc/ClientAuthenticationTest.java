package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token endpoint authentication follows what the provider advertises in its discovery document. */
class ClientAuthenticationTest {
    private static final OidcSettings SETTINGS = new OidcSettings(URI.create("https://idp.example.com"), false, "hoop", "secret",
            null, OidcSettings.BASE_SCOPES, URI.create("https://hoop.example.com"), "groups");

    private static OIDCProviderMetadata advertising(String... methods) {
        OIDCProviderMetadata m = new OIDCProviderMetadata(new Issuer("https://idp.example.com"), List.of(SubjectType.PUBLIC),
                URI.create("https://idp.example.com/jwks"));
        if (methods.length > 0) {
            m.setTokenEndpointAuthMethods(Arrays.stream(methods).map(ClientAuthenticationMethod::parse).toList());
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "NONE                                 | client_secret_basic",
            "client_secret_basic                  | client_secret_basic",
            "client_secret_post                   | client_secret_post",
            "client_secret_post,client_secret_basic | client_secret_basic",
            "private_key_jwt,client_secret_post   | client_secret_post",
    })
    void picksBasicFirstThenPost(String advertised, String expected) throws Exception {
        String[] methods = advertised == null ? new String[0] : advertised.split(",");
        ClientAuthentication auth = OidcProvider.clientAuthentication(SETTINGS, advertising(methods));
        assertThat(auth.getMethod().getValue()).isEqualTo(expected);
        assertThat(auth.getClientID().getValue()).isEqualTo("hoop");
    }

    @Test
    void refusesProvidersWithoutSecretAuthentication() {
        assertThatThrownBy(() -> OidcProvider.clientAuthentication(SETTINGS, advertising("private_key_jwt", "tls_client_auth")))
                .isInstanceOf(OidcUnavailableException.class)
                .hasMessage("IDP_ISSUER: the provider accepts only [private_key_jwt, tls_client_auth] at its token endpoint "
                        + "(expected: client_secret_basic or client_secret_post)");
    }
}
