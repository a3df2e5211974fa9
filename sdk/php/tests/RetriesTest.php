<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\ConnectionException;
use CloudBooks\Exception\ServiceUnavailableException;
use CloudBooks\Model\Organization;
use CloudBooks\Model\Project;
use CloudBooks\Tests\Support\Recorder;

/**
 * S28–S33: idempotency keys and retries. The client's sleep records its delays instead of
 * waiting (TestCase::options()): the tests check which delays were asked for, never timings.
 */
final class RetriesTest extends TestCase
{
    /** @return list<string> names of the organization's projects */
    private function projectNames(Client $client, string $organizationId): array
    {
        $projects = $client->projects->list(['organization' => $organizationId])->toArray();

        return array_map(fn (Project $p) => $p->name, $projects);
    }

    public function testS28ARetriedPostSendsTheSameIdempotencyKeyAndCreatesOneObject(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);

        // 1. The first attempt is refused before it runs; the retry creates the project.
        $project = $olive->projects->create(
            ['organization' => $org->id, 'name' => 'Refused once'],
            self::fault('503;times=1'),
        );
        self::assertCount(1, $this->delays);
        self::assertSame(['Refused once'], $this->projectNames($olive, $org->id));

        // 2. The first attempt runs but its answer is lost; the retry, with the same key, is
        //    answered with the saved answer: the same project, made once.
        $lost = $olive->projects->create(
            ['organization' => $org->id, 'name' => 'Answer lost'],
            self::fault('503;times=1', ';after-view'),
        );
        self::assertCount(2, $this->delays);
        self::assertTrue($olive->getLastResponse()?->idempotentReplayed);
        $projects = $olive->projects->list(['organization' => $org->id])->toArray();
        self::assertSame(['Answer lost', 'Refused once'], array_map(fn (Project $p) => $p->name, $projects));
        self::assertSame($lost->id, $projects[0]->id);
        self::assertSame($project->id, $projects[1]->id);

        // The same for organizations.
        $name = self::unique('Answer lost');
        $created = $olive->organizations->create(['name' => $name], self::fault('502;times=1', ';after-view'));
        self::assertCount(3, $this->delays);
        $matching = array_filter(
            $olive->organizations->list(['limit' => 100])->toArray(),
            fn (Organization $o) => $o->name === $name,
        );
        self::assertSame([$created->id], array_values(array_map(fn (Organization $o) => $o->id, $matching)));
    }

    public function testS29AClosedPortIsRetriedWithGrowingJitteredDelaysThenAConnectionError(): void
    {
        $client = new Client($this->options([
            'api_key' => self::server('api_key'),
            'base_url' => 'http://127.0.0.1:' . Recorder::freePort() . '/v1',
            'max_retries' => 3,
            'backoff' => 0.5,
        ]));

        $error = self::thrown(fn () => $client->users->me());

        self::assertInstanceOf(ConnectionException::class, $error);
        \assert($error instanceof ConnectionException);
        self::assertNull($error->getStatus());
        self::assertSame(\CURLE_COULDNT_CONNECT, $error->getCurlErrno());
        self::assertCount(3, $this->delays);
        foreach ($this->delays as $attempt => $delay) {
            $ceiling = 0.5 * 2 ** $attempt; // 0.5, 1, 2: each delay in the upper half of its ceiling
            self::assertGreaterThanOrEqual($ceiling / 2, $delay);
            self::assertLessThanOrEqual($ceiling, $delay);
        }
        self::assertNull($client->getLastResponse());

        // A POST carries its key, so it is retried the same way.
        $this->delays = [];
        $error = self::thrown(fn () => $client->organizations->create(['name' => 'Unreachable']));
        self::assertInstanceOf(ConnectionException::class, $error);
        self::assertCount(3, $this->delays);
    }

    public function testS30A429IsRetriedAfterItsRetryAfterNotTheBackoff(): void
    {
        $olive = $this->olive(['backoff' => 8.0]);

        $me = $olive->users->me(self::fault('429;times=1'));

        self::assertSame(self::server('email'), $me->email);
        self::assertSame([1.0], $this->delays);
    }

    public function testS31FiveHundredsAreRetriedUntilTheySucceed(): void
    {
        $olive = $this->olive(['max_retries' => 3]);

        $olive->users->me(self::fault('503;times=2'));
        self::assertCount(2, $this->delays);
        self::assertSame([1.0, 1.0], $this->delays); // the 503s' Retry-After: 1

        foreach ([500, 502, 504] as $status) {
            $this->delays = [];
            self::assertSame(self::server('email'), $olive->users->me(self::fault("{$status};times=1"))->email);
            self::assertCount(1, $this->delays);
            self::assertGreaterThanOrEqual(0.25, $this->delays[0]);
            self::assertLessThanOrEqual(0.5, $this->delays[0]);
        }
    }

    public function testS32RetriesGiveUpAfterTheConfiguredNumber(): void
    {
        $olive = $this->olive(['max_retries' => 3]);

        $error = self::thrown(fn () => $olive->users->me(self::fault('503;times=10')));

        self::assertApiError($error, ServiceUnavailableException::class, 503, 'service_unavailable', $olive);
        self::assertCount(3, $this->delays);
    }

    public function testS33APostWithoutAnIdempotencyKeyIsNotRetriedButAPatchIs(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);

        $error = self::thrown(fn () => $olive->projects->create(
            ['organization' => $org->id, 'name' => 'Unkeyed'],
            ['idempotency_key' => false] + self::fault('503;times=1'),
        ));
        self::assertInstanceOf(ServiceUnavailableException::class, $error);
        self::assertSame([], $this->delays);
        self::assertSame([], $this->projectNames($olive, $org->id));

        // PATCH sets the fields it sends: repeating it changes nothing more, so it is retried.
        $project = $olive->projects->create(['organization' => $org->id, 'name' => 'Patched']);
        $updated = $olive->projects->update(
            $project->id,
            ['description' => 'Twice is once'],
            self::fault('503;times=1'),
        );
        self::assertSame('Twice is once', $updated->description);
        self::assertCount(1, $this->delays);
    }
}
