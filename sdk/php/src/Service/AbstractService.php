<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Client;
use CloudBooks\Collection;

/**
 * What every resource service shares. `$options` on every method are per-request options:
 * `headers`, `idempotency_key` (POST), `timeout`, `max_retries` (see Client::request()).
 */
abstract class AbstractService
{
    public function __construct(protected readonly Client $client)
    {
    }

    /**
     * @param array<string, mixed> $query
     * @param array<string, mixed> $options
     *
     * @return array<mixed>
     */
    protected function getJson(string $path, array $query = [], array $options = []): array
    {
        return $this->decode($this->client->request('GET', $path, ['query' => $query] + $options)->json());
    }

    /**
     * @param array<string, mixed> $body
     * @param array<string, mixed> $options
     *
     * @return array<mixed>
     */
    protected function sendJson(string $method, string $path, array $body, array $options = []): array
    {
        return $this->decode($this->client->request($method, $path, ['json' => $body] + $options)->json());
    }

    /** @param array<string, mixed> $options */
    protected function deletePath(string $path, array $options = []): void
    {
        $this->client->request('DELETE', $path, $options);
    }

    /**
     * @template T
     *
     * @param \Closure(array<mixed>): T $parse
     * @param array<string, mixed>      $query
     * @param array<string, mixed>      $options
     *
     * @return Collection<T>
     */
    protected function collection(string $path, \Closure $parse, array $query, array $options): Collection
    {
        return new Collection($this->client, $path, $query, $parse, $options);
    }

    /** @return array<mixed> */
    private function decode(mixed $json): array
    {
        if (!is_array($json)) {
            throw new \CloudBooks\Exception\ApiException("The API's answer is not a JSON object");
        }

        return $json;
    }
}
