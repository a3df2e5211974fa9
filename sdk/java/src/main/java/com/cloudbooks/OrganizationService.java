package com.cloudbooks;

import com.cloudbooks.model.Organization;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.OrganizationListParams;
import com.cloudbooks.param.OrganizationReplaceParams;
import com.cloudbooks.param.OrganizationUpdateParams;

/** {@code /organizations}: those the caller belongs to. */
public final class OrganizationService {
    private final CloudBooks client;

    OrganizationService(CloudBooks client) {
        this.client = client;
    }

    /** The first page, newest first; {@code autoPagingIterable()} goes through them all. */
    public Page<Organization> list() {
        return list(OrganizationListParams.builder().build(), RequestOptions.none());
    }

    public Page<Organization> list(OrganizationListParams params) {
        return list(params, RequestOptions.none());
    }

    public Page<Organization> list(OrganizationListParams params, RequestOptions options) {
        return Page.fetch(client, "organizations", params.toQueryString(), Organization::fromJson, options);
    }

    /** Creates an organization; the caller becomes its owner. */
    public Organization create(OrganizationCreateParams params) {
        return create(params, RequestOptions.none());
    }

    public Organization create(OrganizationCreateParams params, RequestOptions options) {
        return Organization.fromJson(client.request("POST", "organizations", params.toMap(), options));
    }

    public Organization get(String organizationId) {
        return get(organizationId, RequestOptions.none());
    }

    public Organization get(String organizationId, RequestOptions options) {
        return Organization.fromJson(client.request("GET", path(organizationId), null, options));
    }

    /** Changes the given fields (admins and owners). */
    public Organization update(String organizationId, OrganizationUpdateParams params) {
        return update(organizationId, params, RequestOptions.none());
    }

    public Organization update(String organizationId, OrganizationUpdateParams params, RequestOptions options) {
        return Organization.fromJson(client.request("PATCH", path(organizationId), params.toMap(), options));
    }

    /** Replaces it (PUT: name required; admins and owners). */
    public Organization replace(String organizationId, OrganizationReplaceParams params) {
        return replace(organizationId, params, RequestOptions.none());
    }

    public Organization replace(String organizationId, OrganizationReplaceParams params, RequestOptions options) {
        return Organization.fromJson(client.request("PUT", path(organizationId), params.toMap(), options));
    }

    /** Deletes it with its projects and memberships (owners). */
    public void delete(String organizationId) {
        delete(organizationId, RequestOptions.none());
    }

    public void delete(String organizationId, RequestOptions options) {
        client.request("DELETE", path(organizationId), null, options);
    }

    /** The members of one organization: {@code cb.organizations().members(id).list()}. */
    public MemberService members(String organizationId) {
        return new MemberService(client, path(organizationId) + "/members");
    }

    private static String path(String organizationId) {
        return "organizations/" + Paths.segment(organizationId);
    }
}
