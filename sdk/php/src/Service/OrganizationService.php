<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Client;
use CloudBooks\Collection;
use CloudBooks\Model\Organization;

/** `$client->organizations`: those the caller belongs to. */
final class OrganizationService extends AbstractService
{
    /**
     * Newest first, over every page; `limit` (1-100) is the page size.
     *
     * @param array{limit?: int} $params
     * @param array<string, mixed> $options
     *
     * @return Collection<Organization>
     */
    public function list(array $params = [], array $options = []): Collection
    {
        return $this->collection('organizations', Organization::fromArray(...), $params, $options);
    }

    /**
     * Create an organization (`name`, optional `slug` and `description`); the caller owns it.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function create(array $params, array $options = []): Organization
    {
        return Organization::fromArray($this->sendJson('POST', 'organizations', $params, $options));
    }

    /** @param array<string, mixed> $options */
    public function get(string $id, array $options = []): Organization
    {
        return Organization::fromArray($this->getJson(Client::path('organizations', $id), [], $options));
    }

    /**
     * Change the given fields (PATCH; admins and owners).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function update(string $id, array $params, array $options = []): Organization
    {
        return Organization::fromArray($this->sendJson('PATCH', Client::path('organizations', $id), $params, $options));
    }

    /**
     * Replace it (PUT; `name` is required).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function replace(string $id, array $params, array $options = []): Organization
    {
        return Organization::fromArray($this->sendJson('PUT', Client::path('organizations', $id), $params, $options));
    }

    /**
     * Delete it with its projects and memberships (owners).
     *
     * @param array<string, mixed> $options
     */
    public function delete(string $id, array $options = []): void
    {
        $this->deletePath(Client::path('organizations', $id), $options);
    }

    /** The members of one organization: `$client->organizations->members($id)->list()`. */
    public function members(string $organizationId): MemberService
    {
        return new MemberService($this->client, $organizationId);
    }
}
