package com.cloudbooks;

import com.cloudbooks.model.User;
import com.cloudbooks.model.Whoami;

/** {@code /auth}: log in, renew, log out, and who is calling. */
public final class AuthService {
    private final CloudBooks client;

    AuthService(CloudBooks client) {
        this.client = client;
    }

    /**
     * Signs this client in with email and password; it then sends the login's access token
     * and renews it itself. ({@code CloudBooks.login(...)} makes a signed-in client at once.)
     */
    public User login(String email, String password) {
        return login(email, password, RequestOptions.none());
    }

    public User login(String email, String password, RequestOptions options) {
        return client.signIn(email, password, options);
    }

    /** Renews the access token now (and rotates the refresh token). It also happens on its own. */
    public void refresh() {
        refresh(RequestOptions.none());
    }

    public void refresh(RequestOptions options) {
        client.refreshSession(options);
    }

    /** Revokes the login's access and refresh tokens. With an API key the server refuses (403). */
    public void logout() {
        logout(RequestOptions.none());
    }

    public void logout(RequestOptions options) {
        client.endSession(options);
    }

    /** The caller, the credential of this call, and the budget left. */
    public Whoami whoami() {
        return whoami(RequestOptions.none());
    }

    public Whoami whoami(RequestOptions options) {
        return Whoami.fromJson(client.request("GET", "auth/whoami", null, options));
    }
}
