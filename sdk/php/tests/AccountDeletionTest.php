<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\AuthenticationException;

/** S34, last of the run (phpunit.xml.dist orders it so): it deletes Pablo's account. */
final class AccountDeletionTest extends TestCase
{
    public function testS34PablosAccountIsDeletedAndHisLoginAndTokensAreRefusedFromThenOn(): void
    {
        $pablo = $this->pablo();
        $access = (string) $pablo->getAccessToken();
        $refresh = (string) $pablo->getRefreshToken();

        $pablo->users->delete();

        $error = self::thrown(fn () => $this->pablo());
        self::assertInstanceOf(AuthenticationException::class, $error);
        $oldToken = new Client($this->options(['api_key' => $access]));
        $error = self::thrown(fn () => $oldToken->users->me());
        self::assertApiError($error, AuthenticationException::class, 401, 'unauthorized', $oldToken);
        $oldRefresh = Client::fromTokens($access, $refresh, $this->options());
        self::assertInstanceOf(AuthenticationException::class, self::thrown(fn () => $oldRefresh->auth->refresh()));
    }
}
