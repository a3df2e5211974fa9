package com.cloudbooks;

import static com.cloudbooks.LiveServer.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.ProjectCreateParams;
import com.cloudbooks.param.ProjectListParams;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Pagination: S15–S16. */
@Order(3)
class PaginationTest {

    @Test
    void s15_the_iterator_yields_all_five_newest_first_fetching_three_pages_as_needed() {
        try (CloudBooks cb = LiveServer.olive()) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Pages")).build());
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(0, cb.projects().create(ProjectCreateParams.builder()
                        .organization(org.id()).name("Project " + i).build()).id());
            }

            Page<Project> first = cb.projects().list(ProjectListParams.builder().organization(org.id()).limit(2).build());
            assertEquals(2, first.data().size());
            assertTrue(first.hasMore());

            // Each page is its own request, with its own request id: count them as the iteration goes.
            Set<String> pages = new LinkedHashSet<>();
            pages.add(cb.lastResponse().orElseThrow().requestId());
            List<String> seen = new ArrayList<>();
            List<Integer> pagesAfterEachItem = new ArrayList<>();
            Iterator<Project> items = first.autoPagingIterable().iterator();
            while (items.hasNext()) {
                seen.add(items.next().id());
                pages.add(cb.lastResponse().orElseThrow().requestId());
                pagesAfterEachItem.add(pages.size());
            }
            assertEquals(created, seen); // all five, newest first, each once
            assertEquals(3, pages.size());
            // Page 2 is fetched only when item 3 is asked for, page 3 for item 5.
            assertEquals(List.of(1, 1, 2, 2, 3), pagesAfterEachItem);
        }
    }

    @Test
    void s16_the_projects_of_someone_elses_organization_are_an_empty_list_in_one_request() {
        try (CloudBooks cb = LiveServer.olive()) {
            Page<Project> page = cb.projects().list(ProjectListParams.builder()
                    .organization(UUID.randomUUID().toString()).build());
            String requestId = cb.lastResponse().orElseThrow().requestId();
            assertTrue(page.data().isEmpty());
            assertFalse(page.hasMore());
            assertFalse(page.autoPagingIterable().iterator().hasNext());
            assertEquals(requestId, cb.lastResponse().orElseThrow().requestId());
        }
    }
}
