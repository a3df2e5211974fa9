package com.cloudbooks;

import com.cloudbooks.model.PublicUser;
import com.cloudbooks.model.User;
import com.cloudbooks.param.UserReplaceParams;
import com.cloudbooks.param.UserUpdateParams;

/** {@code /users}: the caller's own account, and users who share an organization with the caller. */
public final class UserService {
    private final CloudBooks client;

    UserService(CloudBooks client) {
        this.client = client;
    }

    /** The caller. */
    public User me() {
        return me(RequestOptions.none());
    }

    public User me(RequestOptions options) {
        return User.fromJson(client.request("GET", "users/me", null, options));
    }

    /** Changes the given fields of the caller's account (PATCH). */
    public User update(UserUpdateParams params) {
        return update(params, RequestOptions.none());
    }

    public User update(UserUpdateParams params, RequestOptions options) {
        return User.fromJson(client.request("PATCH", "users/me", params.toMap(), options));
    }

    /** Replaces the caller's name and email (PUT). */
    public User replace(UserReplaceParams params) {
        return replace(params, RequestOptions.none());
    }

    public User replace(UserReplaceParams params, RequestOptions options) {
        return User.fromJson(client.request("PUT", "users/me", params.toMap(), options));
    }

    /**
     * Deletes the caller's account; its keys and tokens stop working at once. A
     * {@link com.cloudbooks.exception.ConflictException} while it is the only owner of an
     * organization with other members ({@code details().get("organizations")} lists them).
     */
    public void delete() {
        delete(RequestOptions.none());
    }

    public void delete(RequestOptions options) {
        client.request("DELETE", "users/me", null, options);
    }

    /** The caller, or a user who shares an organization with the caller (else NotFoundException). */
    public PublicUser get(String userId) {
        return get(userId, RequestOptions.none());
    }

    public PublicUser get(String userId, RequestOptions options) {
        return PublicUser.fromJson(client.request("GET", "users/" + Paths.segment(userId), null, options));
    }
}
