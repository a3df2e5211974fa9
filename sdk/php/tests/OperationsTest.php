<?php

declare(strict_types=1);

namespace CloudBooks\Tests;

use CloudBooks\Exception\NotFoundException;
use CloudBooks\Model\Member;
use CloudBooks\Model\Organization;
use CloudBooks\Model\Project;
use CloudBooks\Model\PublicUser;
use CloudBooks\Model\User;

/** S11–S14: every operation, its result checked as typed objects. */
final class OperationsTest extends TestCase
{
    public function testS11OliveReadsUpdatesAndReplacesHerAccount(): void
    {
        $olive = $this->olive();
        $me = $olive->users->me();
        self::assertInstanceOf(User::class, $me);
        self::assertInstanceOf(\DateTimeImmutable::class, $me->createdAt);

        $name = self::unique('Olive');
        $updated = $olive->users->update(['name' => $name]);
        self::assertSame($name, $updated->name);
        self::assertSame($me->email, $updated->email);
        self::assertSame($name, $olive->users->me()->name);

        $replaced = $olive->users->replace(['name' => 'Olive Oyl', 'email' => $me->email]);
        self::assertSame('Olive Oyl', $replaced->name);
        self::assertSame($me->email, $replaced->email);
        self::assertSame('Olive Oyl', $olive->users->me()->name);
    }

    public function testS12OliveCreatesReadsUpdatesReplacesListsAndDeletesAnOrganization(): void
    {
        $olive = $this->olive();
        $name = self::unique('Acme');

        $org = $olive->organizations->create(['name' => $name]);
        self::assertInstanceOf(Organization::class, $org);
        self::assertSame($name, $org->name);
        self::assertSame('owner', $org->role);
        self::assertEquals($org, $olive->organizations->get($org->id));

        $updated = $olive->organizations->update($org->id, ['description' => 'Books of Acme']);
        self::assertSame('Books of Acme', $updated->description);
        self::assertSame($name, $updated->name);

        $replaced = $olive->organizations->replace($org->id, ['name' => "{$name} Ltd", 'description' => 'Replaced']);
        self::assertSame("{$name} Ltd", $replaced->name);
        self::assertSame('Replaced', $replaced->description);

        $ids = array_map(fn (Organization $o) => $o->id, $olive->organizations->list(['limit' => 100])->toArray());
        self::assertContains($org->id, $ids);

        $olive->organizations->delete($org->id);
        self::assertInstanceOf(NotFoundException::class, self::thrown(fn () => $olive->organizations->get($org->id)));
    }

    public function testS13OliveAddsPabloPromotesHimSeesHimAndRemovesHim(): void
    {
        $olive = $this->olive();
        $pablo = $this->pablo()->getUser();
        self::assertNotNull($pablo);
        $org = $this->newOrganization($olive);
        $members = $olive->organizations->members($org->id);

        $added = $members->create(['email' => self::server('pro_email'), 'role' => 'member']);
        self::assertInstanceOf(Member::class, $added);
        self::assertSame($pablo->id, $added->user->id);
        self::assertSame('member', $added->role);

        $emails = array_map(fn (Member $m) => $m->user->email, $members->list()->toArray());
        self::assertEqualsCanonicalizing([self::server('email'), self::server('pro_email')], $emails);

        self::assertSame('member', $members->get($pablo->id)->role);
        self::assertSame('admin', $members->update($pablo->id, ['role' => 'admin'])->role);

        $seen = $olive->users->get($pablo->id);
        self::assertInstanceOf(PublicUser::class, $seen);
        self::assertSame(self::server('pro_email'), $seen->email);

        $members->delete($pablo->id);
        self::assertInstanceOf(NotFoundException::class, self::thrown(fn () => $members->get($pablo->id)));
    }

    public function testS14OliveCreatesReadsUpdatesReplacesListsAndDeletesAProject(): void
    {
        $olive = $this->olive();
        $org = $this->newOrganization($olive);
        $me = $olive->users->me();

        $project = $olive->projects->create(['organization' => $org->id, 'name' => 'Q3 close']);
        self::assertInstanceOf(Project::class, $project);
        self::assertSame($org->id, $project->organization);
        self::assertSame($me->id, $project->createdBy);
        self::assertEquals($project, $olive->projects->get($project->id));

        $updated = $olive->projects->update($project->id, ['description' => 'Closing the books']);
        self::assertSame('Closing the books', $updated->description);
        self::assertSame('Q3 close', $updated->name);

        $replaced = $olive->projects->replace(
            $project->id,
            ['organization' => $org->id, 'name' => 'Q4 close', 'description' => ''],
        );
        self::assertSame('Q4 close', $replaced->name);
        self::assertSame('', $replaced->description);

        $ids = array_map(fn (Project $p) => $p->id, $olive->projects->list(['organization' => $org->id])->toArray());
        self::assertSame([$project->id], $ids);

        $olive->projects->delete($project->id);
        self::assertInstanceOf(NotFoundException::class, self::thrown(fn () => $olive->projects->get($project->id)));
    }
}
