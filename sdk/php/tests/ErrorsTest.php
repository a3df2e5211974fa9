<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Client;
use CloudBooks\Exception\ApiException;
use CloudBooks\Exception\AuthenticationException;
use CloudBooks\Exception\ConflictException;
use CloudBooks\Exception\ExceptionInterface;
use CloudBooks\Exception\InternalServerException;
use CloudBooks\Exception\InvalidRequestException;
use CloudBooks\Exception\NotFoundException;
use CloudBooks\Exception\PayloadTooLargeException;
use CloudBooks\Exception\PermissionException;
use CloudBooks\Exception\RateLimitException;
use CloudBooks\Exception\ServerException;
use CloudBooks\Exception\ServiceUnavailableException;
use CloudBooks\Exception\UnsupportedMediaTypeException;
use CloudBooks\Model\Member;
use CloudBooks\Model\Project;

/** S17–S26: every error type, carrying the envelope exactly. */
final class ErrorsTest extends TestCase
{
    public function testS17InvalidInputIsA400NamingTheFieldAndWhy(): void
    {
        $olive = $this->olive();

        $error = self::thrown(fn () => $olive->projects->create(['organization' => self::uuid(), 'name' => 'Nope']));
        self::assertApiError($error, InvalidRequestException::class, 400, 'invalid_request', $olive);
        \assert($error instanceof ApiException);
        self::assertSame('organization', $error->getDetails()['field']);
        self::assertNotEmpty($error->getDetails()['issue']);

        $error = self::thrown(fn () => $olive->projects->list(['limit' => 500])->toArray());
        self::assertApiError($error, InvalidRequestException::class, 400, 'invalid_request', $olive);
        \assert($error instanceof ApiException);
        self::assertSame('limit', $error->getDetails()['field']);
        self::assertNotEmpty($error->getDetails()['issue']);
    }

    public function testS18AWrongKeyIsA401(): void
    {
        $client = new Client($this->options(['api_key' => 'sk_live_' . str_repeat('x', 40)]));

        $error = self::thrown(fn () => $client->projects->list()->toArray());

        self::assertApiError($error, AuthenticationException::class, 401, 'unauthorized', $client);
    }

    public function testS19AWriteWithAReadOnlyKeyIsA403(): void
    {
        $client = new Client($this->options(['api_key' => self::server('read_only_key')]));

        $error = self::thrown(fn () => $client->organizations->create(['name' => self::unique('Read-only')]));

        self::assertApiError($error, PermissionException::class, 403, 'forbidden', $client);
    }

    public function testS20AMemberDeletingAProjectIsA403AndTheProjectStays(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $project = $olive->projects->create(['organization' => $org->id, 'name' => 'Kept']);
        $olive->organizations->members($org->id)->create(['email' => self::server('pro_email'), 'role' => 'member']);
        $pablo = $this->pablo();

        $error = self::thrown(fn () => $pablo->projects->delete($project->id));

        self::assertApiError($error, PermissionException::class, 403, 'forbidden', $pablo);
        self::assertInstanceOf(Project::class, $olive->projects->get($project->id));
    }

    public function testS21AnUnknownProjectIsA404(): void
    {
        $olive = $this->olive();

        $error = self::thrown(fn () => $olive->projects->get(self::uuid()));

        self::assertApiError($error, NotFoundException::class, 404, 'not_found', $olive);
    }

    public function testS22TheOnlyOwnerLeavingIsA409AndTheOrganizationKeepsHer(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $me = $olive->users->me();
        $members = $olive->organizations->members($org->id);

        $error = self::thrown(fn () => $members->delete($me->id));

        self::assertApiError($error, ConflictException::class, 409, 'conflict', $olive);
        $kept = $members->get($me->id);
        self::assertInstanceOf(Member::class, $kept);
        self::assertSame('owner', $kept->role);
    }

    public function testS23ABodyOverTheLimitIsA413(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $description = str_repeat('x', (int) (1.1 * 1024 * 1024));

        $huge = ['organization' => $org->id, 'name' => 'Huge', 'description' => $description];
        $error = self::thrown(fn () => $olive->projects->create($huge));

        self::assertApiError($error, PayloadTooLargeException::class, 413, 'payload_too_large', $olive);
        self::assertSame([], $olive->projects->list(['organization' => $org->id])->toArray());
    }

    public function testS24APlainTextBodyIsA415(): void
    {
        $olive = $this->olive();

        $plainText = ['body' => 'a project, please', 'headers' => ['Content-Type' => 'text/plain']];
        $error = self::thrown(fn () => $olive->request('POST', 'projects', $plainText));

        self::assertApiError($error, UnsupportedMediaTypeException::class, 415, 'unsupported_media_type', $olive);
    }

    public function testS25ReusingAnIdempotencyKeyWithAnotherBodyIsA422AndTheSameBodyIsReplayed(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $key = 'php-sdk-' . bin2hex(random_bytes(8));

        $first = $olive->projects->create(['organization' => $org->id, 'name' => 'Once'], ['idempotency_key' => $key]);
        self::assertFalse($olive->getLastResponse()?->idempotentReplayed);

        $twice = ['organization' => $org->id, 'name' => 'Twice'];
        $error = self::thrown(fn () => $olive->projects->create($twice, ['idempotency_key' => $key]));
        self::assertApiError($error, InvalidRequestException::class, 422, 'invalid_request', $olive);
        \assert($error instanceof ApiException);
        self::assertSame('Idempotency-Key', $error->getDetails()['field']);
        self::assertCount(1, $olive->projects->list(['organization' => $org->id])->toArray());

        $again = $olive->projects->create(['organization' => $org->id, 'name' => 'Once'], ['idempotency_key' => $key]);
        self::assertTrue($olive->getLastResponse()?->idempotentReplayed);
        self::assertEquals($first, $again);
        self::assertCount(1, $olive->projects->list(['organization' => $org->id])->toArray());
    }

    public function testS26WithRetriesOffA429AndEach5xxAreThrownAsTheirTypes(): void
    {
        $olive = $this->olive(['max_retries' => 0]);

        $error = self::thrown(fn () => $olive->users->me(self::fault('429;times=1')));
        self::assertApiError($error, RateLimitException::class, 429, 'rate_limit_exceeded', $olive);
        \assert($error instanceof RateLimitException);
        self::assertSame(1.0, $error->getRetryAfter());

        $cases = [
            500 => [InternalServerException::class, 'internal_error'],
            502 => [ServerException::class, 'bad_gateway'],
            503 => [ServiceUnavailableException::class, 'service_unavailable'],
            504 => [ServerException::class, 'gateway_timeout'],
        ];
        foreach ($cases as $status => [$class, $code]) {
            $error = self::thrown(fn () => $olive->users->me(self::fault("{$status};times=1")));
            self::assertApiError($error, $class, $status, $code, $olive);
            self::assertInstanceOf(ServerException::class, $error);
        }
        self::assertSame([], $this->delays);
    }

    public function testEveryErrorIsOneHierarchyCaughtByItsBaseOrTheInterface(): void
    {
        $error = self::thrown(fn () => $this->olive()->projects->get(self::uuid()));

        self::assertInstanceOf(ApiException::class, $error);
        self::assertInstanceOf(ExceptionInterface::class, $error);
        self::assertInstanceOf(\RuntimeException::class, $error);
        self::assertSame(404, $error->getCode());
        self::assertStringContainsString('not_found', (string) $error);
    }
}
