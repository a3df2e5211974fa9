<?php

declare(strict_types=1);

namespace CloudBooks\Model;

final class Project
{
    public function __construct(
        public readonly string $id,
        /** The organization's id; a project never moves. */
        public readonly string $organization,
        public readonly string $name,
        public readonly string $description,
        /** The creator's user id; null once that account is deleted. */
        public readonly ?string $createdBy,
        public readonly \DateTimeImmutable $createdAt,
        public readonly \DateTimeImmutable $updatedAt,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: Data::string($data, 'id'),
            organization: Data::string($data, 'organization'),
            name: Data::string($data, 'name'),
            description: Data::stringOrNull($data, 'description') ?? '',
            createdBy: Data::stringOrNull($data, 'created_by'),
            createdAt: Data::dateTime($data, 'created_at'),
            updatedAt: Data::dateTime($data, 'updated_at'),
        );
    }
}
