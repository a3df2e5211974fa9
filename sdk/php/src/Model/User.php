<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** The authenticated caller: `$client->users->me()`. */
final class User
{
    public function __construct(
        public readonly string $id,
        public readonly string $email,
        public readonly string $name,
        /** The plan's slug: `free`, `pro` or `enterprise`. */
        public readonly string $plan,
        public readonly \DateTimeImmutable $createdAt,
        public readonly \DateTimeImmutable $updatedAt,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: Data::string($data, 'id'),
            email: Data::string($data, 'email'),
            name: Data::stringOrNull($data, 'name') ?? '',
            plan: Data::string($data, 'plan'),
            createdAt: Data::dateTime($data, 'created_at'),
            updatedAt: Data::dateTime($data, 'updated_at'),
        );
    }
}
