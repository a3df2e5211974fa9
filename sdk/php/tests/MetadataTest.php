<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\RateLimit;

/** S27: a successful call's request id and rate-limit state. */
final class MetadataTest extends TestCase
{
    public function testS27TheRequestIdAndBudgetOfEachCallAreReadableAndTheBudgetGoesDownByOne(): void
    {
        $olive = $this->olive();
        self::assertNull($olive->getRateLimit()); // no call yet

        $olive->users->me();
        $first = $olive->getRateLimit();
        self::assertInstanceOf(RateLimit::class, $first);
        self::assertSame(1000, $first->limit);
        self::assertGreaterThan(time(), $first->reset);
        self::assertMatchesRegularExpression('/^req_[0-9a-f]{32}$/', (string) $olive->getLastRequestId());
        $firstId = $olive->getLastRequestId();

        $whoami = $olive->auth->whoami();
        $second = $olive->getRateLimit();
        self::assertNotNull($second);
        self::assertSame($first->remaining - 1, $second->remaining);
        self::assertNotSame($firstId, $olive->getLastRequestId());
        // whoami's own numbers are those of its response's headers.
        self::assertSame($second->limit, $whoami->rateLimit->limit);
        self::assertSame($second->remaining, $whoami->rateLimit->remaining);
        self::assertSame($second->reset, $whoami->rateLimit->reset);

        $org = $this->newOrganization($olive);
        $olive->projects->get($olive->projects->create(['organization' => $org->id, 'name' => 'Counted'])->id);
        self::assertSame($second->remaining - 3, $olive->getRateLimit()?->remaining);
        $olive->users->me();
        self::assertSame($second->remaining - 4, $olive->getRateLimit()?->remaining);
    }
}
