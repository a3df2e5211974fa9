package com.cloudbooks;

import com.cloudbooks.model.Project;
import com.cloudbooks.param.ProjectCreateParams;
import com.cloudbooks.param.ProjectListParams;
import com.cloudbooks.param.ProjectReplaceParams;
import com.cloudbooks.param.ProjectUpdateParams;

/** {@code /projects}: the projects of the caller's organizations. */
public final class ProjectService {
    private final CloudBooks client;

    ProjectService(CloudBooks client) {
        this.client = client;
    }

    /** The first page, newest first; {@code autoPagingIterable()} goes through them all. */
    public Page<Project> list() {
        return list(ProjectListParams.builder().build(), RequestOptions.none());
    }

    public Page<Project> list(ProjectListParams params) {
        return list(params, RequestOptions.none());
    }

    public Page<Project> list(ProjectListParams params, RequestOptions options) {
        return Page.fetch(client, "projects", params.toQueryString(), Project::fromJson, options);
    }

    public Project create(ProjectCreateParams params) {
        return create(params, RequestOptions.none());
    }

    public Project create(ProjectCreateParams params, RequestOptions options) {
        return Project.fromJson(client.request("POST", "projects", params.toMap(), options));
    }

    public Project get(String projectId) {
        return get(projectId, RequestOptions.none());
    }

    public Project get(String projectId, RequestOptions options) {
        return Project.fromJson(client.request("GET", path(projectId), null, options));
    }

    public Project update(String projectId, ProjectUpdateParams params) {
        return update(projectId, params, RequestOptions.none());
    }

    public Project update(String projectId, ProjectUpdateParams params, RequestOptions options) {
        return Project.fromJson(client.request("PATCH", path(projectId), params.toMap(), options));
    }

    public Project replace(String projectId, ProjectReplaceParams params) {
        return replace(projectId, params, RequestOptions.none());
    }

    public Project replace(String projectId, ProjectReplaceParams params, RequestOptions options) {
        return Project.fromJson(client.request("PUT", path(projectId), params.toMap(), options));
    }

    /** Deletes a project (admins and owners of its organization). */
    public void delete(String projectId) {
        delete(projectId, RequestOptions.none());
    }

    public void delete(String projectId, RequestOptions options) {
        client.request("DELETE", path(projectId), null, options);
    }

    private static String path(String projectId) {
        return "projects/" + Paths.segment(projectId);
    }
}
