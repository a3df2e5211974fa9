<?php

declare(strict_types=1);

namespace CloudBooks\Tests\Support;

/**
 * The live CloudBooks server of this test run: `python3 dev.py sdk-server`, whose one JSON
 * line gives the base URL and the seeded accounts (Olive: free plan; Pablo: pro plan).
 */
final class TestServer
{
    /** @var array<string, string>|null */
    private static ?array $info = null;

    public static function boot(): void
    {
        $line = getenv('CLOUDBOOKS_SDK_SERVER');
        if (is_string($line) && $line !== '') {
            self::$info = self::parse($line);

            return;
        }
        $root = dirname(__DIR__, 4);
        $log = sys_get_temp_dir() . '/cloudbooks-php-sdk-server.log';
        $process = proc_open(
            ['python3', $root . '/dev.py', 'sdk-server'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $log, 'a']],
            $pipes,
            $root,
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('Could not start python3 dev.py sdk-server');
        }
        $line = fgets($pipes[1]);
        if ($line === false) {
            throw new \RuntimeException("python3 dev.py sdk-server printed no JSON line; see {$log}");
        }
        self::$info = self::parse($line);
        register_shutdown_function(static function () use ($process, $pipes): void {
            proc_terminate($process, 15); // SIGTERM: the server stops cleanly and exits 0
            fclose($pipes[1]);
            do {
                $status = proc_get_status($process);
                usleep(50_000);
            } while ($status['running']);
            if ($status['exitcode'] !== 0) {
                fwrite(\STDERR, "sdk-server exited with status {$status['exitcode']}, not 0\n");
                exit(1);
            }
        });
    }

    /** @return array<string, string> */
    private static function parse(string $line): array
    {
        $info = json_decode($line, true, 8, \JSON_THROW_ON_ERROR);
        foreach (['base_url', 'email', 'password', 'api_key', 'read_only_key', 'pro_email', 'pro_password'] as $key) {
            if (!is_array($info) || !is_string($info[$key] ?? null)) {
                throw new \RuntimeException("The sdk-server's JSON line has no {$key}: {$line}");
            }
        }

        /** @var array<string, string> $info */
        return $info;
    }

    public static function get(string $key): string
    {
        return (self::$info ?? throw new \LogicException('TestServer::boot() has not run'))[$key];
    }
}
