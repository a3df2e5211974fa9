<?php

declare(strict_types=1);

namespace CloudBooks\Service;

use CloudBooks\Exception\ApiException;
use CloudBooks\Model\User;
use CloudBooks\Model\Whoami;

/** `$client->auth`: logins, token renewal, logout, and who the credential is. */
final class AuthService extends AbstractService
{
    /**
     * Sign this client in with email and password (as `Client::login()` does): from now on
     * it sends the login's access token, renewing it by itself.
     *
     * @param array<string, mixed> $options
     */
    public function login(string $email, string $password, array $options = []): User
    {
        $credentials = ['email' => $email, 'password' => $password];
        $this->client->startSession($this->sendJson('POST', 'auth/login', $credentials, ['auth' => false] + $options));

        return $this->client->getUser() ?? throw new ApiException("The API's login answer has no 'user'");
    }

    /**
     * Renew the access token now (it happens on its own when due, and once after a 401).
     * The refresh token rotates: the client keeps the new one.
     */
    public function refresh(): void
    {
        $this->client->refreshSession();
    }

    /**
     * End the login: the server refuses its access and refresh tokens from now on. An API
     * key cannot log out (the server answers 403: revoke keys in the dashboard).
     *
     * @param array<string, mixed> $options
     */
    public function logout(array $options = []): void
    {
        $refresh = $this->client->getRefreshToken();
        $body = $refresh === null ? [] : ['json' => ['refresh' => $refresh]];
        $this->client->request('POST', 'auth/logout', $body + $options);
        $this->client->endSession();
    }

    /**
     * Who is calling, with which credential (typed: AccessTokenCredential or
     * ApiKeyCredential), and the plan's budget after this request.
     *
     * @param array<string, mixed> $options
     */
    public function whoami(array $options = []): Whoami
    {
        return Whoami::fromArray($this->getJson('auth/whoami', [], $options));
    }
}
