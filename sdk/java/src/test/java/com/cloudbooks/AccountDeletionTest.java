package com.cloudbooks;

import static com.cloudbooks.LiveServer.get;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.cloudbooks.exception.AuthenticationException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** S34, last: Pablo deletes his account. */
@Order(Integer.MAX_VALUE)
class AccountDeletionTest {

    @Test
    void s34_pablo_deletes_his_account_and_his_login_and_tokens_are_refused() {
        try (CloudBooks pablo = LiveServer.pablo()) {
            String access = pablo.accessToken().orElseThrow();
            pablo.users().delete();
            try (CloudBooks stale = LiveServer.builder().apiKey(access).build()) {
                assertThrows(AuthenticationException.class, () -> stale.users().me());
            }
            assertThrows(AuthenticationException.class, () -> pablo.users().me());
            assertThrows(AuthenticationException.class,
                    () -> CloudBooks.login(get().proEmail(), get().proPassword(), get().baseUrl()));
        }
    }
}
