<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** An API key from the dashboard. */
final class ApiKeyCredential extends Credential
{
    public function __construct(
        string $type,
        string $id,
        string $scope,
        \DateTimeImmutable $createdAt,
        ?\DateTimeImmutable $expiresAt,
        public readonly string $name,
        /** The key's display prefix (the full key is never shown again). */
        public readonly string $prefix,
        public readonly ?\DateTimeImmutable $lastUsedAt,
    ) {
        parent::__construct($type, $id, $scope, $createdAt, $expiresAt);
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            type: Data::string($data, 'type'),
            id: Data::string($data, 'id'),
            scope: Data::string($data, 'scope'),
            createdAt: Data::dateTime($data, 'created_at'),
            expiresAt: Data::dateTimeOrNull($data, 'expires_at'),
            name: Data::string($data, 'name'),
            prefix: Data::string($data, 'prefix'),
            lastUsedAt: Data::dateTimeOrNull($data, 'last_used_at'),
        );
    }
}
