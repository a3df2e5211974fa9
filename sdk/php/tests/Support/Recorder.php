<?php

declare(strict_types=1);

namespace CloudBooks\Tests\Support;

/**
 * A second local HTTP listener (PHP's built-in server with tests/Support/recorder-router.php)
 * that records the headers of every request it gets: the "other origin" of S10.
 */
final class Recorder
{
    /** @var resource */
    private $process;
    public readonly string $origin;
    private readonly string $log;

    public function __construct(public readonly int $port, ?int $otherPort = null)
    {
        $this->origin = "http://127.0.0.1:{$port}";
        $this->log = tempnam(sys_get_temp_dir(), 'cb-recorder-');
        $process = proc_open(
            [\PHP_BINARY, '-S', "127.0.0.1:{$port}", __DIR__ . '/recorder-router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['RECORDER_LOG' => $this->log, 'RECORDER_OTHER' => (string) ($otherPort ?? $port)] + getenv(),
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('Could not start the recording listener');
        }
        $this->process = $process;
        for ($i = 0; $i < 200; ++$i) {
            $socket = @fsockopen('127.0.0.1', $port, $errno, $error, 0.1);
            if ($socket !== false) {
                fclose($socket);

                return;
            }
            usleep(25_000);
        }
        throw new \RuntimeException("The recording listener did not come up on port {$port}");
    }

    public static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
        if ($server === false) {
            throw new \RuntimeException($error);
        }
        $name = (string) stream_socket_get_name($server, false);
        fclose($server);

        return (int) substr($name, strrpos($name, ':') + 1);
    }

    /**
     * Every request received so far: path, and headers with lower-case names.
     *
     * @return list<array{path: string, headers: array<string, string>}>
     */
    public function requests(): array
    {
        $requests = [];
        foreach (file($this->log, \FILE_IGNORE_NEW_LINES | \FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
            $requests[] = json_decode($line, true, 8, \JSON_THROW_ON_ERROR);
        }

        return $requests;
    }

    public function stop(): void
    {
        proc_terminate($this->process);
        proc_close($this->process);
        @unlink($this->log);
    }
}
