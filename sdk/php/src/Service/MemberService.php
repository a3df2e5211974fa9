<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Client;
use CloudBooks\Collection;
use CloudBooks\Model\Member;

/** `$client->organizations->members($organizationId)`: members, addressed by user id. */
final class MemberService extends AbstractService
{
    public function __construct(Client $client, public readonly string $organizationId)
    {
        parent::__construct($client);
    }

    /**
     * Newest first, over every page.
     *
     * @param array{limit?: int} $params
     * @param array<string, mixed> $options
     *
     * @return Collection<Member>
     */
    public function list(array $params = [], array $options = []): Collection
    {
        return $this->collection($this->path(), Member::fromArray(...), $params, $options);
    }

    /**
     * Add an existing user by `email`, with a `role` (default `member`; admins and owners).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function create(array $params, array $options = []): Member
    {
        return Member::fromArray($this->sendJson('POST', $this->path(), $params, $options));
    }

    /** @param array<string, mixed> $options */
    public function get(string $userId, array $options = []): Member
    {
        return Member::fromArray($this->getJson($this->path($userId), [], $options));
    }

    /**
     * Change a member's `role`. Demoting the last owner is a ConflictException.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function update(string $userId, array $params, array $options = []): Member
    {
        return Member::fromArray($this->sendJson('PATCH', $this->path($userId), $params, $options));
    }

    /**
     * Remove a member, or leave with your own user id (the last owner cannot: 409).
     *
     * @param array<string, mixed> $options
     */
    public function delete(string $userId, array $options = []): void
    {
        $this->deletePath($this->path($userId), $options);
    }

    private function path(string ...$userId): string
    {
        return Client::path('organizations', $this->organizationId, 'members', ...$userId);
    }
}
