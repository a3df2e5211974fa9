<?php

declare(strict_types=1);

namespace CloudBooks\Model;

final class Organization
{
    public function __construct(
        public readonly string $id,
        public readonly string $name,
        public readonly string $slug,
        public readonly string $description,
        /** The caller's role in it: `owner`, `admin` or `member`. */
        public readonly ?string $role,
        public readonly \DateTimeImmutable $createdAt,
        public readonly \DateTimeImmutable $updatedAt,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: Data::string($data, 'id'),
            name: Data::string($data, 'name'),
            slug: Data::string($data, 'slug'),
            description: Data::stringOrNull($data, 'description') ?? '',
            role: Data::stringOrNull($data, 'role'),
            createdAt: Data::dateTime($data, 'created_at'),
            updatedAt: Data::dateTime($data, 'updated_at'),
        );
    }
}
