<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\AuthenticationException;
use CloudBooks\Exception\PermissionException;
use CloudBooks\Model\AccessTokenCredential;
use CloudBooks\Model\ApiKeyCredential;
use CloudBooks\Model\User;
use CloudBooks\Tests\Support\Recorder;

/** S1–S10: logins, API keys, whoami, renewal, logout, and the credential staying home. */
final class CredentialsTest extends TestCase
{
    public function testS1OliveLogsInAndTheClientKnowsHerAndHoldsAnAccessToken(): void
    {
        $olive = Client::login(self::server('email'), self::server('password'), $this->options());

        self::assertInstanceOf(User::class, $olive->getUser());
        self::assertSame(self::server('email'), $olive->getUser()->email);
        self::assertStringStartsWith('eyJ', (string) $olive->getAccessToken());
        self::assertNotNull($olive->getRefreshToken());
        self::assertSame(self::server('email'), $olive->users->me()->email);
    }

    public function testS2OlivesApiKeyActsAsHerAndAKeyThatDoesNotExistIsRefused(): void
    {
        $me = $this->olive()->users->me();
        self::assertSame(self::server('email'), $me->email);
        self::assertSame('free', $me->plan);

        $stranger = new Client($this->options(['api_key' => 'sk_live_' . str_repeat('a', 38)]));
        $error = self::thrown(fn () => $stranger->users->me());
        self::assertApiError($error, AuthenticationException::class, 401, 'unauthorized', $stranger);
    }

    public function testS3WhoamiWithAKeyDescribesTheKeyTypedAndTheFreeBudget(): void
    {
        $whoami = $this->olive()->auth->whoami();

        self::assertSame(self::server('email'), $whoami->user->email);
        $key = $whoami->credential;
        self::assertInstanceOf(ApiKeyCredential::class, $key);
        self::assertSame('api_key', $key->type);
        self::assertSame('read_write', $key->scope);
        self::assertNotSame('', $key->id);
        self::assertNotSame('', $key->name);
        self::assertStringStartsWith('sk_live_', $key->prefix);
        self::assertStringStartsWith($key->prefix, self::server('api_key'));
        self::assertNull($key->expiresAt);
        self::assertLessThanOrEqual(new \DateTimeImmutable(), $key->createdAt);
        self::assertSame('free', $whoami->rateLimit->plan);
        self::assertSame(1000, $whoami->rateLimit->limit);
        self::assertIsInt($whoami->rateLimit->remaining);
        self::assertGreaterThan(time(), $whoami->rateLimit->reset);
    }

    public function testS4WhoamiWithALoginDescribesTheAccessTokenAndPablosProBudget(): void
    {
        $whoami = $this->oliveLogin()->auth->whoami();
        self::assertInstanceOf(AccessTokenCredential::class, $whoami->credential);
        self::assertSame('access_token', $whoami->credential->type);
        self::assertSame('read_write', $whoami->credential->scope);
        self::assertGreaterThan(new \DateTimeImmutable(), $whoami->credential->expiresAt);

        $pablo = $this->pablo()->auth->whoami();
        self::assertSame(self::server('pro_email'), $pablo->user->email);
        self::assertSame('pro', $pablo->rateLimit->plan);
        self::assertSame(10000, $pablo->rateLimit->limit);
    }

    public function testS5AReadOnlyKeyReadsButItsWritesAreForbiddenAndChangeNothing(): void
    {
        $readOnly = new Client($this->options(['api_key' => self::server('read_only_key')]));
        self::assertSame('read_only', $readOnly->auth->whoami()->credential->scope);
        self::assertIsArray($readOnly->organizations->list()->toArray());

        $name = self::unique('Read-only');
        $error = self::thrown(fn () => $readOnly->organizations->create(['name' => $name]));
        self::assertApiError($error, PermissionException::class, 403, 'forbidden', $readOnly);

        $names = array_map(fn ($org) => $org->name, $this->olive()->organizations->list(['limit' => 100])->toArray());
        self::assertNotContains($name, $names);
    }

    public function testS6AnExplicitRefreshGivesTheClientANewAccessTokenThatWorks(): void
    {
        $olive = $this->oliveLogin();
        $before = $olive->getAccessToken();
        $refreshBefore = $olive->getRefreshToken();

        $olive->auth->refresh();

        self::assertNotSame($before, $olive->getAccessToken());
        self::assertNotSame($refreshBefore, $olive->getRefreshToken());
        self::assertSame(self::server('email'), $olive->users->me()->email);
    }

    public function testS7AnExpiredAccessTokenIsRenewedAndTheCallRepeatedWithoutTheCallerSeeingThe401(): void
    {
        $olive = $this->oliveLogin();
        $before = $olive->getAccessToken();

        $me = $olive->users->me(self::fault('expire-token;times=1'));

        self::assertSame(self::server('email'), $me->email);
        self::assertNotSame($before, $olive->getAccessToken());
        // A POST too: renewed, then repeated with the same Idempotency-Key.
        $org = $olive->organizations->create(['name' => self::unique('Renewed')], self::fault('expire-token;times=1'));
        self::assertSame('owner', $org->role);
    }

    public function testS8A401ThatRenewalCannotCureIsRenewedOnceRetriedOnceThenThrown(): void
    {
        $renewals = 0;
        $olive = $this->oliveLogin(['on_tokens' => function () use (&$renewals): void {
            ++$renewals;
        }]);
        self::assertSame(1, $renewals); // the login itself

        $error = self::thrown(fn () => $olive->users->me(['headers' => ['CloudBooks-Test-Fault' => 'expire-token']]));

        self::assertApiError($error, AuthenticationException::class, 401, 'unauthorized', $olive);
        self::assertSame(2, $renewals); // one renewal, no loop
        self::assertSame(self::server('email'), $olive->users->me()->email);
    }

    public function testS9LoggingOutRevokesTheAccessAndRefreshTokensAndAKeyCannotLogOut(): void
    {
        $olive = $this->oliveLogin();
        $access = (string) $olive->getAccessToken();
        $refresh = (string) $olive->getRefreshToken();

        $olive->auth->logout();

        self::assertNull($olive->getRefreshToken());
        $oldAccess = new Client($this->options(['api_key' => $access]));
        self::assertInstanceOf(AuthenticationException::class, self::thrown(fn () => $oldAccess->users->me()));
        $oldRefresh = Client::fromTokens($access, $refresh, $this->options());
        self::assertInstanceOf(AuthenticationException::class, self::thrown(fn () => $oldRefresh->auth->refresh()));

        $key = $this->olive();
        $error = self::thrown(fn () => $key->auth->logout());
        self::assertApiError($error, PermissionException::class, 403, 'forbidden', $key);
        self::assertSame(self::server('email'), $key->users->me()->email);
    }

    public function testS10TheCredentialIsNeverSentToAnotherOriginNorAlongARedirect(): void
    {
        $otherPort = Recorder::freePort();
        $other = new Recorder($otherPort);
        $first = new Recorder(Recorder::freePort(), $otherPort);
        try {
            foreach ([$this->olive(), $this->oliveLogin()] as $client) {
                // An absolute URL naming another port of the same host.
                $client->request('GET', "{$other->origin}/v1/users/me");
            }
            self::assertCount(2, $other->requests());
            foreach ($other->requests() as $request) {
                self::assertArrayNotHasKey('authorization', $request['headers']);
            }

            // A list whose next link names another origin: the first page (the client's own
            // base URL) gets the key, the next page (another port) does not.
            $key = 'sk_live_' . str_repeat('b', 38);
            $client = new Client($this->options(['api_key' => $key, 'base_url' => "{$first->origin}/v1"]));
            $names = array_map(fn ($p) => $p->name, $client->projects->list(['limit' => 1])->toArray());
            self::assertSame(['first', 'second'], $names);
            self::assertSame("Bearer {$key}", $first->requests()[0]['headers']['authorization']);
            $last = $other->requests()[2];
            self::assertSame('/v1/projects?cursor=abc&limit=1', $last['path']);
            self::assertArrayNotHasKey('authorization', $last['headers']);

            // A redirect to another origin is not followed at all.
            $response = $client->request('GET', 'redirect');
            self::assertSame(302, $response->status);
            self::assertCount(3, $other->requests());
        } finally {
            $first->stop();
            $other->stop();
        }
    }
}
