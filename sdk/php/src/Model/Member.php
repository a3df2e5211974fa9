<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** A user's membership of an organization, addressed by the user's id. */
final class Member
{
    public function __construct(
        public readonly PublicUser $user,
        /** `owner`, `admin` or `member`. */
        public readonly string $role,
        /** When they joined. */
        public readonly \DateTimeImmutable $createdAt,
        public readonly \DateTimeImmutable $updatedAt,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            user: PublicUser::fromArray(Data::object($data, 'user')),
            role: Data::string($data, 'role'),
            createdAt: Data::dateTime($data, 'created_at'),
            updatedAt: Data::dateTime($data, 'updated_at'),
        );
    }
}
