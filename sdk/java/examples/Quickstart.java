import com.cloudbooks.CloudBooks;
import com.cloudbooks.exception.CloudBooksException;
import com.cloudbooks.exception.NotFoundException;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.model.User;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.ProjectCreateParams;
import com.cloudbooks.param.ProjectListParams;
import java.util.UUID;

/**
 * A consumer of the built SDK jar: the README's quickstart. Reads CLOUDBOOKS_API_KEY and
 * CLOUDBOOKS_BASE_URL from the environment.
 */
public class Quickstart {
    public static void main(String[] args) {
        try (CloudBooks cb = CloudBooks.builder().build()) {
            User me = cb.users().me();
            System.out.println("Signed in as " + me.email() + " (plan " + me.plan() + ")");

            Organization org = cb.organizations().create(OrganizationCreateParams.builder()
                    .name("Acme " + UUID.randomUUID().toString().substring(0, 6)).build());
            for (String name : new String[] {"Q1 close", "Q2 close", "Q3 close"}) {
                cb.projects().create(ProjectCreateParams.builder().organization(org.id()).name(name).build());
            }

            // Two at a time; the next page is fetched only when the loop gets there.
            for (Project p : cb.projects().list(ProjectListParams.builder()
                    .organization(org.id()).limit(2).build()).autoPagingIterable()) {
                System.out.println("  " + p.name() + " (created by " + p.createdBy().orElse("a deleted user") + ")");
            }

            try {
                cb.projects().get(UUID.randomUUID().toString());
            } catch (NotFoundException e) {
                System.out.println("Not found: " + e.code() + " " + e.status() + " (request " + e.requestId() + ")");
            }

            cb.organizations().delete(org.id());
            cb.rateLimit().ifPresent(limit ->
                    System.out.println(limit.remaining() + " of " + limit.limit() + " requests left this hour"));
            System.out.println("Quickstart OK");
        } catch (CloudBooksException e) {
            System.err.println("CloudBooks error: " + e);
            System.exit(1);
        }
    }
}
