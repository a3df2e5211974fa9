<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** Another user, as someone sharing an organization sees them: `$client->users->get($id)`. */
final class PublicUser
{
    public function __construct(
        public readonly string $id,
        public readonly string $email,
        public readonly string $name,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            id: Data::string($data, 'id'),
            email: Data::string($data, 'email'),
            name: Data::stringOrNull($data, 'name') ?? '',
        );
    }
}
