<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\ApiException;
use CloudBooks\Exception\AuthenticationException;
use CloudBooks\Exception\ConnectionException;
use CloudBooks\Exception\InvalidArgumentException;
use CloudBooks\Exception\RateLimitException;
use CloudBooks\Exception\TimeoutException;
use CloudBooks\RateLimit;
use CloudBooks\Tests\Support\Recorder;

/** The SDK's own behaviour beyond the scenario: configuration, timeouts, kept logins. */
final class ClientTest extends TestCase
{
    public function testTheApiKeyAndBaseUrlDefaultToTheEnvironment(): void
    {
        putenv('CLOUDBOOKS_API_KEY=' . self::server('api_key'));
        putenv('CLOUDBOOKS_BASE_URL=' . self::server('base_url'));
        try {
            $client = new Client();
            self::assertSame(self::server('base_url'), $client->getBaseUrl());
            self::assertSame(self::server('email'), $client->users->me()->email);
        } finally {
            putenv('CLOUDBOOKS_API_KEY');
            putenv('CLOUDBOOKS_BASE_URL');
        }
    }

    public function testAClientWithoutACredentialIsRefusedByTheServer(): void
    {
        $client = new Client($this->options(['api_key' => null]));

        $error = self::thrown(fn () => $client->users->me());

        self::assertApiError($error, AuthenticationException::class, 401, 'unauthorized', $client);
    }

    public function testMistakesInTheOptionsAreRefusedBeforeAnyRequest(): void
    {
        $mistakes = [
            ['api_kee' => 'x'],
            ['max_retries' => -1],
            ['timeout' => 'soon'],
            ['base_url' => 'ftp://x'],
            ['sleep' => 'no such function'],
        ];
        foreach ($mistakes as $options) {
            self::assertInstanceOf(InvalidArgumentException::class, self::thrown(fn () => new Client($options)));
        }
        $client = $this->olive();
        self::assertInstanceOf(
            InvalidArgumentException::class,
            self::thrown(fn () => $client->users->update(['name' => "\xB1\x31"])), // not UTF-8
        );
        foreach ([['retries' => 1], ['headers' => ['X-Evil' => "a\r\nb"]]] as $options) {
            $error = self::thrown(fn () => $client->users->me($options));
            self::assertInstanceOf(InvalidArgumentException::class, $error);
        }
        self::assertNull($client->getLastResponse());
    }

    public function testAPerRequestTimeoutEndsASlowAnswerWithATimeoutException(): void
    {
        $slow = new Recorder(Recorder::freePort());
        try {
            $client = new Client($this->options(
                ['api_key' => 'sk_live_x', 'base_url' => "{$slow->origin}/v1", 'max_retries' => 0],
            ));

            $error = self::thrown(fn () => $client->request('GET', 'slow', ['timeout' => 0.3]));

            self::assertInstanceOf(TimeoutException::class, $error);
            self::assertInstanceOf(ConnectionException::class, $error);
            \assert($error instanceof TimeoutException);
            self::assertNull($error->getStatus());
        } finally {
            $slow->stop();
        }
    }

    public function testAnAnswerWithoutRateLimitHeadersHasNoStateNullNotZeros(): void
    {
        $unlimited = new Recorder(Recorder::freePort());
        try {
            $client = new Client($this->options(['api_key' => 'sk_live_x', 'base_url' => "{$unlimited->origin}/v1"]));
            $client->request('GET', 'users/me');

            self::assertSame(200, $client->getLastResponse()?->status);
            self::assertNull($client->getRateLimit());
        } finally {
            $unlimited->stop();
        }
    }

    public function testAnAnswerThatIsNotJsonOrNotTheExpectedObjectIsAnApiException(): void
    {
        $stranger = new Recorder(Recorder::freePort());
        try {
            $client = new Client($this->options(['api_key' => 'sk_live_x', 'base_url' => "{$stranger->origin}/v1"]));

            $error = self::thrown(fn () => $client->request('GET', 'not-json')->json());
            self::assertInstanceOf(ApiException::class, $error);
            self::assertSame('<html>Bad gateway</html>', $error->getBody());

            // {"ok": true} where a user was expected: the SDK says so, no TypeError.
            $error = self::thrown(fn () => $client->users->me());
            self::assertInstanceOf(ApiException::class, $error);
            self::assertStringContainsString("'id'", $error->getMessage());
        } finally {
            $stranger->stop();
        }
    }

    public function testARetryAfterLongerThanTheCeilingIsThrownAtOnce(): void
    {
        $olive = $this->olive(['max_retry_after' => 0.5]);

        $error = self::thrown(fn () => $olive->users->me(self::fault('429;times=1')));

        self::assertInstanceOf(RateLimitException::class, $error);
        \assert($error instanceof RateLimitException);
        self::assertSame(1.0, $error->getRetryAfter());
        // The test server's injected 429 carries no budget headers: unknown, not zeros.
        self::assertNull($error->getLimit());
        self::assertNull($error->getRemaining());
        self::assertSame([], $this->delays);
    }

    public function testABudget429CarriesItsLimitRemainingAndReset(): void
    {
        // The plan budget's 429 as docs/api.md gives it (spending 1,000 requests is no test).
        $reset = time() + 600;
        $body = json_encode(['error' => [
            'code' => 'rate_limit_exceeded',
            'message' => 'Rate limit exceeded',
            'details' => ['plan' => 'free', 'limit' => 1000, 'reset' => $reset],
            'request_id' => 'req_1',
        ]]);
        $headers = [
            'retry-after' => ['600'],
            'x-ratelimit-limit' => ['1000'],
            'x-ratelimit-remaining' => ['0'],
            'x-ratelimit-reset' => [(string) $reset],
        ];

        foreach ([$headers, ['retry-after' => ['600']]] as $received) {
            $error = \CloudBooks\Exception\ApiException::fromResponse(429, $received, (string) $body);
            self::assertInstanceOf(RateLimitException::class, $error);
            \assert($error instanceof RateLimitException);
            self::assertSame(600.0, $error->getRetryAfter());
            self::assertSame(1000, $error->getLimit());
            self::assertSame(0, $error->getRemaining());
            self::assertSame($reset, $error->getReset());
            self::assertSame('req_1', $error->getRequestId());
        }
    }

    public function testRetryAfterIsReadAsSecondsOrAsAnHttpDate(): void
    {
        $now = (float) time();
        self::assertSame(3.0, RateLimit::parseRetryAfter('3', $now));
        self::assertSame(120.0, RateLimit::parseRetryAfter(gmdate('D, d M Y H:i:s \G\M\T', (int) $now + 120), $now));
        self::assertNull(RateLimit::parseRetryAfter('soon', $now));
        self::assertNull(RateLimit::parseRetryAfter(null, $now));
    }

    public function testALoginKeptAcrossPhpRequestsResumesFromItsTokens(): void
    {
        $saved = [];
        $keep = function (string $access, string $refresh) use (&$saved): void {
            $saved = [$access, $refresh];
        };
        $this->oliveLogin(['on_tokens' => $keep]);
        self::assertCount(2, $saved);

        // The next PHP request: a client from the saved tokens, still saving renewals.
        $resumed = Client::fromTokens($saved[0], $saved[1], $this->options(['on_tokens' => $keep]));
        self::assertSame(self::server('email'), $resumed->users->me()->email);
        $resumed->auth->refresh();
        self::assertSame([$resumed->getAccessToken(), $resumed->getRefreshToken()], $saved);
        self::assertSame(self::server('email'), $resumed->users->me()->email);
    }

    public function testDumpingAClientShowsNeitherItsKeyNorItsTokens(): void
    {
        $key = $this->olive();
        $login = $this->oliveLogin();

        $dumped = print_r($key, true) . print_r($login, true);

        self::assertStringNotContainsString(self::server('api_key'), $dumped);
        self::assertStringNotContainsString((string) $login->getAccessToken(), $dumped);
        self::assertStringNotContainsString((string) $login->getRefreshToken(), $dumped);
        self::assertStringContainsString('login', $dumped);
    }

    public function testAnApiKeyClientHasNoLoginToRenew(): void
    {
        self::assertInstanceOf(InvalidArgumentException::class, self::thrown(fn () => $this->olive()->auth->refresh()));
    }
}
