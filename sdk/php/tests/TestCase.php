<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\ApiException;
use CloudBooks\Model\Organization;
use CloudBooks\Tests\Support\TestServer;

/**
 * What the scenario's tests share: the live server's accounts as clients, unique names and
 * fault ids, and a sleep that records its delays instead of waiting.
 *
 * Olive is the free account (by `api_key` or login); Pablo is the pro account (by login).
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    /** @var list<float> the delays the client asked for, in order */
    protected array $delays = [];

    protected function setUp(): void
    {
        $this->delays = [];
    }

    /** @param array<string, mixed> $options */
    protected function options(array $options = []): array
    {
        return $options + [
            'base_url' => TestServer::get('base_url'),
            'sleep' => function (float $seconds): void {
                $this->delays[] = $seconds;
            },
        ];
    }

    /** Olive, with her read_write API key. */
    protected function olive(array $options = []): Client
    {
        return new Client($this->options($options + ['api_key' => TestServer::get('api_key')]));
    }

    protected function oliveLogin(array $options = []): Client
    {
        return Client::login(TestServer::get('email'), TestServer::get('password'), $this->options($options));
    }

    protected function pablo(array $options = []): Client
    {
        return Client::login(TestServer::get('pro_email'), TestServer::get('pro_password'), $this->options($options));
    }

    protected static function server(string $key): string
    {
        return TestServer::get($key);
    }

    protected static function unique(string $prefix): string
    {
        return $prefix . ' ' . bin2hex(random_bytes(5));
    }

    protected static function uuid(): string
    {
        $hex = bin2hex(random_bytes(16));

        $parts = [substr($hex, 0, 8), substr($hex, 8, 4), substr($hex, 13, 3), substr($hex, 17, 3), substr($hex, 20)];

        return vsprintf('%s-%s-4%s-a%s-%s', $parts);
    }

    /** A `CloudBooks-Test-Fault` header with a fresh id. */
    protected static function fault(string $spec, string $suffix = ''): array
    {
        $id = bin2hex(random_bytes(8));

        return ['headers' => ['CloudBooks-Test-Fault' => "{$spec};id={$id}{$suffix}"]];
    }

    protected function newOrganization(Client $client): Organization
    {
        return $client->organizations->create(['name' => self::unique('PHP SDK org')]);
    }

    /**
     * The error carries the envelope exactly, and its request id is the response's X-Request-Id.
     *
     * @param class-string<ApiException> $class
     */
    protected static function assertApiError(
        \Throwable $error,
        string $class,
        int $status,
        string $code,
        Client $client,
    ): void {
        self::assertInstanceOf($class, $error);
        \assert($error instanceof ApiException);
        self::assertSame($status, $error->getStatus());
        self::assertSame($code, $error->getErrorCode());
        self::assertNotSame('', $error->getMessage());
        self::assertIsArray($error->getDetails());
        self::assertNotNull($error->getRequestId());
        self::assertSame($client->getLastResponse()?->header('X-Request-Id'), $error->getRequestId());
        $envelope = json_decode((string) $error->getBody(), true);
        self::assertSame($envelope['error']['code'], $error->getErrorCode());
        self::assertSame($envelope['error']['message'], $error->getMessage());
        self::assertSame($envelope['error']['request_id'], $error->getRequestId());
        self::assertEquals($envelope['error']['details'], $error->getDetails());
    }

    /** Run $call and return what it threw (failing the test if it threw nothing). */
    protected static function thrown(callable $call): \Throwable
    {
        try {
            $call();
        } catch (\Throwable $e) {
            return $e;
        }
        self::fail('Expected an exception, none was thrown');
    }
}
