<?php

declare(strict_types=1);

// The SDK's classes and the tests' helpers, through Composer's autoloader
// (`composer dump-autoload` makes it offline; ci.sh runs it).
$autoload = dirname(__DIR__) . '/vendor/autoload.php';
if (!is_file($autoload)) {
    fwrite(\STDERR, "Run `composer dump-autoload` in sdk/php first (it works offline).\n");
    exit(1);
}
require $autoload;

// One live server for the whole run: the one ci.sh started (CLOUDBOOKS_SDK_SERVER holds its
// JSON line), else one started here and stopped with SIGTERM when the run ends.
CloudBooks\Tests\Support\TestServer::boot();
