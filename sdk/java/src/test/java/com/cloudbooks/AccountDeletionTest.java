package com.cloudbooks;

import static com.cloudbooks.LiveServer.get;
import static com.cloudbooks.LiveServer.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.exception.AuthenticationException;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.model.Role;
import com.cloudbooks.param.MemberCreateParams;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.ProjectCreateParams;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** S34, last: Pablo deletes his account. */
@Order(Integer.MAX_VALUE)
class AccountDeletionTest {

    @Test
    void s34_pablo_deletes_his_account_and_his_login_and_tokens_are_refused() {
        try (CloudBooks olive = LiveServer.olive(); CloudBooks pablo = LiveServer.pablo()) {
            // A project Pablo made in Olive's organization outlives him, with no creator.
            Organization org = olive.organizations().create(OrganizationCreateParams.builder().name(unique("Kept")).build());
            olive.organizations().members(org.id()).create(
                    MemberCreateParams.builder().email(get().proEmail()).role(Role.MEMBER).build());
            Project his = pablo.projects().create(ProjectCreateParams.builder().organization(org.id()).name("His").build());
            assertEquals(pablo.user().orElseThrow().id(), his.createdBy().orElseThrow());

            String access = pablo.accessToken().orElseThrow();
            pablo.users().delete();

            try (CloudBooks stale = LiveServer.builder().apiKey(access).build()) {
                assertThrows(AuthenticationException.class, () -> stale.users().me());
            }
            assertThrows(AuthenticationException.class, () -> pablo.users().me());
            assertThrows(AuthenticationException.class,
                    () -> CloudBooks.login(get().proEmail(), get().proPassword(), get().baseUrl()));
            assertTrue(olive.projects().get(his.id()).createdBy().isEmpty());
        }
    }

    @Test
    void a_closed_client_refuses_calls() {
        CloudBooks cb = LiveServer.olive();
        cb.close();
        assertThrows(IllegalStateException.class, () -> cb.users().me());
    }
}
