<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Client;
use CloudBooks\Collection;
use CloudBooks\Model\Project;

/** `$client->projects`: the projects of the caller's organizations. */
final class ProjectService extends AbstractService
{
    /**
     * Newest first, over every page; `organization` keeps one organization's, `limit`
     * (1-100) is the page size.
     *
     * @param array{organization?: string, limit?: int} $params
     * @param array<string, mixed> $options
     *
     * @return Collection<Project>
     */
    public function list(array $params = [], array $options = []): Collection
    {
        return $this->collection('projects', Project::fromArray(...), $params, $options);
    }

    /**
     * Create a project: `organization` (its id), `name`, optional `description`.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function create(array $params, array $options = []): Project
    {
        return Project::fromArray($this->sendJson('POST', 'projects', $params, $options));
    }

    /** @param array<string, mixed> $options */
    public function get(string $id, array $options = []): Project
    {
        return Project::fromArray($this->getJson(Client::path('projects', $id), [], $options));
    }

    /**
     * Change the given fields (PATCH).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function update(string $id, array $params, array $options = []): Project
    {
        return Project::fromArray($this->sendJson('PATCH', Client::path('projects', $id), $params, $options));
    }

    /**
     * Replace it (PUT; `organization` and `name` are required).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $options
     */
    public function replace(string $id, array $params, array $options = []): Project
    {
        return Project::fromArray($this->sendJson('PUT', Client::path('projects', $id), $params, $options));
    }

    /**
     * Delete it (admins and owners of its organization).
     *
     * @param array<string, mixed> $options
     */
    public function delete(string $id, array $options = []): void
    {
        $this->deletePath(Client::path('projects', $id), $options);
    }
}
