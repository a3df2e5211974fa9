package com.cloudbooks;

import com.cloudbooks.model.Member;
import com.cloudbooks.param.MemberCreateParams;
import com.cloudbooks.param.MemberListParams;
import com.cloudbooks.param.MemberUpdateParams;

/** {@code /organizations/{id}/members}, each addressed by the user's id. */
public final class MemberService {
    private final CloudBooks client;
    private final String path;

    MemberService(CloudBooks client, String path) {
        this.client = client;
        this.path = path;
    }

    public Page<Member> list() {
        return list(MemberListParams.builder().build(), RequestOptions.none());
    }

    public Page<Member> list(MemberListParams params) {
        return list(params, RequestOptions.none());
    }

    public Page<Member> list(MemberListParams params, RequestOptions options) {
        return Page.fetch(client, path, params.toQueryString(), Member::fromJson, options);
    }

    /** Adds an existing user by email (admins and owners; only owners add owners). */
    public Member create(MemberCreateParams params) {
        return create(params, RequestOptions.none());
    }

    public Member create(MemberCreateParams params, RequestOptions options) {
        return Member.fromJson(client.request("POST", path, params.toMap(), options));
    }

    public Member get(String userId) {
        return get(userId, RequestOptions.none());
    }

    public Member get(String userId, RequestOptions options) {
        return Member.fromJson(client.request("GET", path + "/" + Paths.segment(userId), null, options));
    }

    /** Changes a member's role; demoting the last owner is a ConflictException. */
    public Member update(String userId, MemberUpdateParams params) {
        return update(userId, params, RequestOptions.none());
    }

    public Member update(String userId, MemberUpdateParams params, RequestOptions options) {
        return Member.fromJson(client.request("PATCH", path + "/" + Paths.segment(userId), params.toMap(), options));
    }

    /** Removes a member, or leaves with one's own id (the last owner cannot: ConflictException). */
    public void delete(String userId) {
        delete(userId, RequestOptions.none());
    }

    public void delete(String userId, RequestOptions options) {
        client.request("DELETE", path + "/" + Paths.segment(userId), null, options);
    }
}
