<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Client;
use CloudBooks\Model\PublicUser;
use CloudBooks\Model\User;

/** `$client->users`: the caller's account, and users who share an organization with the caller. */
final class UserService extends AbstractService
{
    /** @param array<string, mixed> $options */
    public function me(array $options = []): User
    {
        return User::fromArray($this->getJson('users/me', [], $options));
    }

    /**
     * Change the given fields of the caller's account (PATCH): `name`, `email`, and
     * `password` with `current_password`.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function update(array $params, array $options = []): User
    {
        return User::fromArray($this->sendJson('PATCH', 'users/me', $params, $options));
    }

    /**
     * Replace the caller's account (PUT): `name` and `email` are required.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function replace(array $params, array $options = []): User
    {
        return User::fromArray($this->sendJson('PUT', 'users/me', $params, $options));
    }

    /**
     * Delete the caller's account; its keys and tokens stop working at once. A
     * ConflictException while it is the only owner of an organization with other members.
     *
     * @param array<string, mixed> $options
     */
    public function delete(array $options = []): void
    {
        $this->deletePath('users/me', $options);
    }

    /**
     * The caller, or a user sharing an organization with the caller (else NotFoundException).
     *
     * @param array<string, mixed> $options
     */
    public function get(string $id, array $options = []): PublicUser
    {
        return PublicUser::fromArray($this->getJson(Client::path('users', $id), [], $options));
    }
}
