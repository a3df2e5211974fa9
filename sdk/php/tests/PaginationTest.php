<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Collection;
use CloudBooks\Model\Project;

/** S15–S16: lists follow the `next` links lazily, over every page. */
final class PaginationTest extends TestCase
{
    public function testS15FiveProjectsComeNewestFirstOverThreePagesFetchedOnlyAsNeeded(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $created = [];
        for ($i = 1; $i <= 5; ++$i) {
            $created[] = $olive->projects->create(['organization' => $org->id, 'name' => "Project {$i}"])->id;
        }

        $list = $olive->projects->list(['organization' => $org->id, 'limit' => 2]);
        self::assertInstanceOf(Collection::class, $list);
        self::assertInstanceOf(\IteratorAggregate::class, $list);
        self::assertSame(0, $list->getPagesFetched()); // nothing asked yet: no request

        $seen = [];
        $pagesWhenSeen = [];
        foreach ($list as $project) {
            self::assertInstanceOf(Project::class, $project);
            $seen[] = $project->id;
            $pagesWhenSeen[] = $list->getPagesFetched();
        }

        self::assertSame(array_reverse($created), $seen);
        self::assertSame([1, 1, 2, 2, 3], $pagesWhenSeen);
        self::assertSame(3, $list->getPagesFetched());
    }

    public function testS16TheProjectsOfAnOrganizationNotOlivesAreAnEmptyListInOneRequest(): void
    {
        $list = $this->olive()->projects->list(['organization' => self::uuid()]);

        self::assertSame([], $list->toArray());
        self::assertSame(1, $list->getPagesFetched());
    }
}
