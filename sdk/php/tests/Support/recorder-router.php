<?php

// The recording listener's router (php -S): logs each request's path and headers as one JSON
// line, then answers as a tiny stand-in of the API would.
declare(strict_types=1);

$headers = array_change_key_case(getallheaders(), \CASE_LOWER);
$path = (string) parse_url($_SERVER['REQUEST_URI'], \PHP_URL_PATH);
file_put_contents(
    (string) getenv('RECORDER_LOG'),
    json_encode(['path' => $_SERVER['REQUEST_URI'], 'headers' => $headers]) . "\n",
    \FILE_APPEND | \LOCK_EX,
);
$other = 'http://127.0.0.1:' . getenv('RECORDER_OTHER');
header('Content-Type: application/json');
header('X-Request-Id: req_recorder');

$project = static fn (string $name): array => [
    'id' => '00000000-0000-4000-8000-00000000000' . strlen($name),
    'organization' => '00000000-0000-4000-8000-000000000000',
    'name' => $name, 'description' => '', 'created_by' => null,
    'created_at' => '2020-01-01T00:00:00.000000Z', 'updated_at' => '2020-01-01T00:00:00.000000Z',
];

if ($path === '/v1/projects' && !isset($_GET['cursor'])) {
    // A first page whose next link names another origin.
    $next = "{$other}/v1/projects?cursor=abc&limit=1";
    echo json_encode(['next' => $next, 'previous' => null, 'results' => [$project('first')]]);
} elseif ($path === '/v1/projects') {
    echo json_encode(['next' => null, 'previous' => null, 'results' => [$project('second')]]);
} elseif (str_ends_with($path, '/slow')) {
    sleep(3);
    echo '{}';
} elseif (str_ends_with($path, '/redirect')) {
    http_response_code(302);
    header("Location: {$other}/v1/after-redirect");
    echo '{}';
} elseif (str_ends_with($path, '/not-json')) {
    header('Content-Type: text/html');
    echo '<html>Bad gateway</html>';
} else {
    echo '{"ok": true}';
}
