package com.cloudbooks;

import static com.cloudbooks.LiveServer.get;
import static com.cloudbooks.LiveServer.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.exception.NotFoundException;
import com.cloudbooks.model.Member;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.model.PublicUser;
import com.cloudbooks.model.Role;
import com.cloudbooks.model.User;
import com.cloudbooks.param.MemberCreateParams;
import com.cloudbooks.param.MemberUpdateParams;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.OrganizationReplaceParams;
import com.cloudbooks.param.OrganizationUpdateParams;
import com.cloudbooks.param.ProjectCreateParams;
import com.cloudbooks.param.ProjectListParams;
import com.cloudbooks.param.ProjectReplaceParams;
import com.cloudbooks.param.ProjectUpdateParams;
import com.cloudbooks.param.UserReplaceParams;
import com.cloudbooks.param.UserUpdateParams;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Every operation, checked as typed objects: S11–S14. */
@Order(2)
class OperationsTest {

    @Test
    void s11_olive_reads_updates_and_replaces_her_account() {
        try (CloudBooks cb = LiveServer.olive()) {
            User me = cb.users().me();
            assertEquals(get().email(), me.email());
            assertEquals("free", me.plan());

            String name = unique("Olive");
            User updated = cb.users().update(UserUpdateParams.builder().name(name).build());
            assertEquals(name, updated.name());
            assertEquals(name, cb.users().me().name());

            String replacedName = unique("Olive Replaced");
            User replaced = cb.users().replace(UserReplaceParams.builder().name(replacedName).email(me.email()).build());
            assertEquals(replacedName, replaced.name());
            assertEquals(me.email(), replaced.email());
            assertEquals(me.id(), replaced.id());
        }
    }

    @Test
    void s12_olive_creates_reads_changes_lists_and_deletes_an_organization() {
        try (CloudBooks cb = LiveServer.olive()) {
            String name = unique("Acme");
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(name).build());
            assertEquals(name, org.name());
            assertEquals(Role.OWNER, org.role().orElseThrow());

            assertEquals(org, cb.organizations().get(org.id()));

            Organization updated = cb.organizations().update(org.id(),
                    OrganizationUpdateParams.builder().description("Books and more").build());
            assertEquals("Books and more", updated.description());
            assertEquals(name, updated.name());

            String newName = unique("Acme Replaced");
            Organization replaced = cb.organizations().replace(org.id(),
                    OrganizationReplaceParams.builder().name(newName).description("Replaced").build());
            assertEquals(newName, replaced.name());
            assertEquals("Replaced", replaced.description());

            boolean listed = cb.organizations().list().autoPagingStream().anyMatch(o -> o.id().equals(org.id()));
            assertTrue(listed);

            cb.organizations().delete(org.id());
            NotFoundException e = assertThrows(NotFoundException.class, () -> cb.organizations().get(org.id()));
            assertEquals(404, e.status());
            assertEquals("not_found", e.code());
        }
    }

    @Test
    void s13_olive_adds_pablo_changes_his_role_sees_him_and_removes_him() {
        try (CloudBooks cb = LiveServer.olive(); CloudBooks pablo = LiveServer.pablo()) {
            String pabloId = pablo.user().orElseThrow().id();
            String orgId = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Members")).build()).id();

            Member added = cb.organizations().members(orgId).create(
                    MemberCreateParams.builder().email(get().proEmail()).role(Role.MEMBER).build());
            assertEquals(pabloId, added.user().id());
            assertEquals(Role.MEMBER, added.role());

            List<Member> members = cb.organizations().members(orgId).list().autoPagingStream().toList();
            assertEquals(2, members.size());
            assertTrue(members.stream().anyMatch(m -> m.user().email().equals(get().email()) && m.role() == Role.OWNER));

            assertEquals(added, cb.organizations().members(orgId).get(pabloId));

            Member promoted = cb.organizations().members(orgId).update(pabloId,
                    MemberUpdateParams.builder().role(Role.ADMIN).build());
            assertEquals(Role.ADMIN, promoted.role());

            PublicUser seen = cb.users().get(pabloId);
            assertEquals(get().proEmail(), seen.email());

            cb.organizations().members(orgId).delete(pabloId);
            assertThrows(NotFoundException.class, () -> cb.organizations().members(orgId).get(pabloId));
        }
    }

    @Test
    void s14_olive_creates_reads_changes_lists_and_deletes_a_project() {
        try (CloudBooks cb = LiveServer.olive()) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Projects")).build());
            String me = cb.users().me().id();
            String name = unique("Q3 close");
            Project project = cb.projects().create(ProjectCreateParams.builder()
                    .organization(org.id()).name(name).description("First").build());
            assertEquals(name, project.name());
            assertEquals(org.id(), project.organization());
            assertEquals(me, project.createdBy().orElseThrow());

            assertEquals(project, cb.projects().get(project.id()));

            Project updated = cb.projects().update(project.id(), ProjectUpdateParams.builder().description("Second").build());
            assertEquals("Second", updated.description());

            Project replaced = cb.projects().replace(project.id(), ProjectReplaceParams.builder()
                    .organization(org.id()).name(name + " v2").description("Third").build());
            assertEquals(name + " v2", replaced.name());
            assertEquals("Third", replaced.description());

            List<Project> listed = cb.projects().list(ProjectListParams.builder().organization(org.id()).build())
                    .autoPagingStream().toList();
            assertEquals(List.of(replaced), listed);

            cb.projects().delete(project.id());
            assertThrows(NotFoundException.class, () -> cb.projects().get(project.id()));
        }
    }
}
