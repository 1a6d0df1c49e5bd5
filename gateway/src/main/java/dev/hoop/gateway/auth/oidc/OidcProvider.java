package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.store.LoginState;
import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's OpenID Connect relying party for one issuer: discovered once at start, then used by
 * {@code GET /api/login} ({@link #loginRequest}), {@code GET /api/callback} ({@link #callback}) and the request
 * authenticator ({@link #accessTokenVerifier()}). The login is the authorization code flow with PKCE (S256),
 * {@code state} and {@code nonce}; the code is exchanged with the client secret (HTTP basic or form post, as the
 * provider advertises), and the ID token is verified before anything in it is believed. Thread-safe.
 */
public final class OidcProvider {
    private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);

    private final OidcSettings settings;
    private final OIDCProviderMetadata metadata;
    private final ClientAuthentication clientAuth;
    private final JwtVerifier idTokens;
    private final AccessTokenVerifier accessTokens;
    private final Clock clock;

    private OidcProvider(OidcSettings settings, OIDCProviderMetadata metadata, Clock clock) throws OidcUnavailableException {
        this.settings = settings;
        this.metadata = metadata;
        this.clock = clock;
        this.clientAuth = clientAuthentication(settings, metadata);
        HttpClient http = HttpClient.newBuilder().connectTimeout(OidcSettings.CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        JwksCache keys = new JwksCache(metadata.getJWKSetURI(), http, clock, OidcSettings.JWKS_MAX_AGE,
                OidcSettings.JWKS_MIN_REFRESH_INTERVAL);
        this.idTokens = new JwtVerifier(settings.issuer().toString(), keys, clock);
        UserinfoClient userinfo = null;
        if (settings.userinfoMode()) {
            if (metadata.getUserInfoEndpointURI() == null) {
                throw new OidcUnavailableException("IDP_ISSUER: _userinfo=1 is set but the provider advertises no userinfo_endpoint at "
                        + settings.discoveryUrl(), null);
            }
            userinfo = new UserinfoClient(metadata.getUserInfoEndpointURI(), http, clock, settings.groupsClaim());
        }
        this.accessTokens = new AccessTokenVerifier(idTokens, userinfo, settings.expectedAccessTokenAudience(), settings.groupsClaim());
    }

    /**
     * Fetches {@code <issuer>/.well-known/openid-configuration} and checks that it describes this issuer and
     * everything the flow needs. Call once at start; a failure should stop the gateway with its message.
     *
     * @throws OidcUnavailableException naming {@code IDP_ISSUER} and the discovery URL, with the reason
     */
    public static OidcProvider discover(OidcSettings settings) throws OidcUnavailableException {
        return discover(settings, Clock.systemUTC());
    }

    static OidcProvider discover(OidcSettings settings, Clock clock) throws OidcUnavailableException {
        Objects.requireNonNull(settings, "settings");
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer().toString()),
                    (int) OidcSettings.CONNECT_TIMEOUT.toMillis(), (int) OidcSettings.READ_TIMEOUT.toMillis());
        } catch (IOException | GeneralException e) {
            throw new OidcUnavailableException("IDP_ISSUER: discovery at " + settings.discoveryUrl() + " failed: " + e.getMessage(), e);
        }
        if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null || metadata.getJWKSetURI() == null) {
            throw new OidcUnavailableException("IDP_ISSUER: the discovery document at " + settings.discoveryUrl()
                    + " lacks authorization_endpoint, token_endpoint or jwks_uri", null);
        }
        OidcProvider provider = new OidcProvider(settings, metadata, clock);
        log.info("OIDC provider {} discovered (authorize {}, token {}, access tokens checked {})", settings.issuer(),
                metadata.getAuthorizationEndpointURI(), metadata.getTokenEndpointURI(),
                settings.userinfoMode() ? "at " + metadata.getUserInfoEndpointURI() : "as JWTs against " + metadata.getJWKSetURI());
        return provider;
    }

    /**
     * Starts a login: the provider's authorization URL for the user's browser, and the state to store until the
     * callback.
     *
     * @param redirectAfterLogin where to send the user with {@code ?token=} or {@code ?error=} at the end; null or
     *                           blank means {@code API_URL/callback} (the web app). Only URLs on {@code API_URL}'s
     *                           origin or on a loopback address (the CLI's {@code 127.0.0.1:3587}) are accepted,
     *                           so that the gateway cannot be used to send tokens to another site.
     * @throws OidcLoginException when the redirect is not allowed
     */
    public LoginRequest loginRequest(String redirectAfterLogin) throws OidcLoginException {
        String redirect = LoginRedirects.checked(redirectAfterLogin, settings.apiUrl());
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope(settings.scopes().toArray(String[]::new)), new ClientID(settings.clientId()), settings.redirectUri())
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (settings.audience() != null) {
            request.customParameter("audience", settings.audience());
        }
        LoginState saved = new LoginState(state.getValue(), nonce.getValue(), verifier.getValue(), redirect,
                clock.instant().plus(OidcSettings.LOGIN_STATE_TTL));
        return new LoginRequest(request.build().toURI(), saved);
    }

    /**
     * Completes a login: checks the returned state against the stored one, exchanges the code (with the PKCE
     * verifier), verifies the ID token (signature, issuer, audience = client id, expiry, nonce) and the access token
     * the user will present afterwards.
     *
     * @param code          the {@code code} query parameter of the callback
     * @param returnedState the {@code state} query parameter of the callback
     * @param saved         the state stored by {@link #loginRequest}, looked up by {@code returnedState} (the caller
     *                      deletes it: a state is single-use)
     * @throws OidcLoginException       with a readable reason for {@code ?error=}
     * @throws OidcUnavailableException when the provider's token endpoint or JWKS cannot be used
     */
    public OidcIdentity callback(String code, String returnedState, LoginState saved) throws OidcLoginException, OidcUnavailableException {
        Objects.requireNonNull(saved, "saved");
        if (!Secrets.constantTimeEquals(returnedState, saved.state())) {
            throw new OidcLoginException("the login state does not match; start the login again");
        }
        if (saved.isExpired(clock.instant())) {
            throw new OidcLoginException("the login expired (it must complete within "
                    + OidcSettings.LOGIN_STATE_TTL.toMinutes() + " minutes); start the login again");
        }
        if (code == null || code.isBlank()) {
            throw new OidcLoginException("the identity provider sent no authorization code");
        }
        OIDCTokens tokens = exchange(code, saved);
        JWTClaimsSet idClaims;
        try {
            idClaims = idTokens.verify(tokens.getIDTokenString(), "ID token", Set.of(settings.clientId()));
        } catch (InvalidTokenException e) {
            throw new OidcLoginException(e.getMessage(), e);
        }
        checkNonceAndParty(idClaims, saved);
        String accessToken = tokens.getAccessToken().getValue();
        OidcIdentity fromAccessToken;
        try {
            fromAccessToken = accessTokens.verify(accessToken);
        } catch (InvalidTokenException e) {
            // Better to fail the login now than to hand out a token that every request would reject.
            throw new OidcLoginException("the identity provider issued an access token this gateway does not accept: "
                    + e.getMessage() + (accessTokens.usesUserinfo() ? "" : " (set IDP_AUDIENCE to the audience of the access tokens, "
                    + "or add _userinfo=1 to IDP_ISSUER for opaque tokens)"), e);
        }
        return merge(idClaims, fromAccessToken, accessToken);
    }

    /**
     * Where {@code /api/callback} sends the user when no stored login matches its {@code state} (unknown, used or
     * purged): the web app's default callback page with {@code error=<reason>}.
     */
    public URI defaultRedirectWithError(String reason) {
        return LoginRedirects.withParameter(settings.apiUrl() + LoginRedirects.DEFAULT_PATH, "error", Objects.requireNonNull(reason, "reason"));
    }

    /** The verifier of access tokens for the request authenticator (JWKS or userinfo, as configured). */
    public AccessTokenVerifier accessTokenVerifier() {
        return accessTokens;
    }

    /** The settings this provider was discovered with. */
    public OidcSettings settings() {
        return settings;
    }

    private OIDCTokens exchange(String code, LoginState saved) throws OidcLoginException, OidcUnavailableException {
        TokenRequest request = new TokenRequest(metadata.getTokenEndpointURI(), clientAuth,
                new AuthorizationCodeGrant(new AuthorizationCode(code), settings.redirectUri(), new CodeVerifier(saved.codeVerifier())));
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout((int) OidcSettings.CONNECT_TIMEOUT.toMillis());
        http.setReadTimeout((int) OidcSettings.READ_TIMEOUT.toMillis());
        TokenResponse response;
        try {
            HTTPResponse answer = http.send();
            response = OIDCTokenResponseParser.parse(answer);
        } catch (IOException e) {
            throw new OidcUnavailableException("the identity provider's token endpoint " + metadata.getTokenEndpointURI()
                    + " is unreachable: " + e, e);
        } catch (ParseException e) {
            throw new OidcUnavailableException("the identity provider's token endpoint " + metadata.getTokenEndpointURI()
                    + " answered something that is not a token response: " + e.getMessage(), e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            String description = error.getDescription() == null ? "" : " (" + error.getDescription() + ")";
            throw new OidcLoginException("the identity provider refused the authorization code: "
                    + (error.getCode() == null ? "HTTP " + error.getHTTPStatusCode() : error.getCode()) + description);
        }
        OIDCTokens tokens = response.toSuccessResponse().getTokens().toOIDCTokens();
        if (tokens.getIDTokenString() == null) {
            throw new OidcLoginException("the identity provider returned no ID token (is the 'openid' scope allowed for this client?)");
        }
        return tokens;
    }

    private void checkNonceAndParty(JWTClaimsSet idClaims, LoginState saved) throws OidcLoginException {
        Object nonce = idClaims.getClaim("nonce");
        if (!(nonce instanceof String n) || !Secrets.constantTimeEquals(n, saved.nonce())) {
            throw new OidcLoginException("the ID token's nonce does not match this login; start the login again");
        }
        // OIDC core 3.1.3.7: with several audiences, the authorized party must be this client.
        List<String> aud = idClaims.getAudience();
        Object azp = idClaims.getClaim("azp");
        if (aud.size() > 1 && azp != null && !settings.clientId().equals(azp)) {
            throw new OidcLoginException("the ID token was issued to client '" + azp + "' (expected: '" + settings.clientId() + "')");
        }
    }

    /** The ID token speaks for the user; the access token's view fills what the ID token leaves out. */
    private OidcIdentity merge(JWTClaimsSet idClaims, OidcIdentity fromAccessToken, String accessToken) throws OidcLoginException {
        OidcIdentity fromIdToken;
        try {
            fromIdToken = Claims.identity(idClaims.getClaims(), settings.groupsClaim(), accessToken);
        } catch (InvalidTokenException e) {
            throw new OidcLoginException("the ID token names no user ('sub' claim)", e);
        }
        if (!fromIdToken.subject().equals(fromAccessToken.subject())) {
            throw new OidcLoginException("the ID token and the access token name different users ('" + fromIdToken.subject()
                    + "' and '" + fromAccessToken.subject() + "')");
        }
        boolean groupsFromId = fromIdToken.groupsClaimPresent();
        return new OidcIdentity(
                fromIdToken.subject(),
                fromIdToken.email() != null ? fromIdToken.email() : fromAccessToken.email(),
                fromIdToken.name() != null ? fromIdToken.name() : fromAccessToken.name(),
                groupsFromId ? fromIdToken.groups() : fromAccessToken.groups(),
                groupsFromId || fromAccessToken.groupsClaimPresent(),
                accessToken);
    }

    static ClientAuthentication clientAuthentication(OidcSettings settings, OIDCProviderMetadata metadata)
            throws OidcUnavailableException {
        ClientID id = new ClientID(settings.clientId());
        Secret secret = new Secret(settings.clientSecret());
        List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
        // OIDC discovery: when the provider lists nothing, client_secret_basic is the default.
        if (methods == null || methods.isEmpty() || methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
            return new ClientSecretBasic(id, secret);
        }
        if (methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(id, secret);
        }
        throw new OidcUnavailableException("IDP_ISSUER: the provider accepts only " + methods + " at its token endpoint"
                + " (expected: client_secret_basic or client_secret_post)", null);
    }
}
