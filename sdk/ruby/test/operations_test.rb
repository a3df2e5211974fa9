# frozen_string_literal: true

require_relative "test_helper"

# Every operation, with typed results: SCENARIO S11–S14.
class OperationsTest < ScenarioTest
  def test_s11_the_caller_reads_updates_and_replaces_their_account
    client = olive
    me = client.users.me
    assert_instance_of CloudBooks::User, me
    assert_equal "free", me.plan
    assert_kind_of Time, me.created_at
    assert me.frozen?
    refute_respond_to me, :name=

    name = unique("Olive")
    updated = client.users.update(name: name)
    assert_instance_of CloudBooks::User, updated
    assert_equal name, updated.name
    assert_equal name, client.users.me.name

    replaced_name = unique("Olive Oyl")
    replaced = client.users.replace(name: replaced_name, email: me.email)
    assert_equal replaced_name, replaced.name
    assert_equal me.email, replaced.email
    assert_equal me.id, replaced.id
  end

  def test_s12_an_organization_from_creation_to_deletion
    client = olive
    name = unique("Acme")

    org = client.organizations.create(name: name)
    assert_instance_of CloudBooks::Organization, org
    assert_equal name, org.name
    assert_equal "owner", org.role
    refute_empty org.slug

    assert_equal org, client.organizations.get(org.id)

    updated = client.organizations.update(org.id, description: "Books of Acme")
    assert_equal "Books of Acme", updated.description
    assert_equal name, updated.name

    new_name = unique("Acme Holdings")
    replaced = client.organizations.replace(org.id, name: new_name, description: "Replaced")
    assert_equal [new_name, "Replaced", org.slug], [replaced.name, replaced.description, replaced.slug]

    listed = client.organizations.list.find { |o| o.id == org.id }
    assert_instance_of CloudBooks::Organization, listed
    assert_equal new_name, listed.name

    assert_nil client.organizations.delete(org.id)
    error = assert_raises(CloudBooks::NotFoundError) { client.organizations.get(org.id) }
    assert_envelope error, CloudBooks::NotFoundError, 404, "not_found"
  end

  def test_s13_members_are_added_listed_promoted_and_removed
    client = olive
    olive_id = client.users.me.id
    org = client.organizations.create(name: unique("Members"))
    members = client.organizations.members(org.id)

    added = members.create(email: server["pro_email"], role: "member")
    assert_instance_of CloudBooks::Member, added
    assert_instance_of CloudBooks::PublicUser, added.user
    assert_equal [server["pro_email"], "member"], [added.user.email, added.role]
    pablo_id = added.user.id

    listed = members.list.to_a
    assert_equal [pablo_id, olive_id].sort, listed.map { |m| m.user.id }.sort
    assert_equal "owner", listed.find { |m| m.user.id == olive_id }.role

    assert_equal added, members.get(pablo_id)

    promoted = members.update(pablo_id, role: "admin")
    assert_equal "admin", promoted.role

    pablo = client.users.get(pablo_id)
    assert_instance_of CloudBooks::PublicUser, pablo
    assert_equal server["pro_email"], pablo.email

    assert_nil members.delete(pablo_id)
    assert_equal [olive_id], members.list.map { |m| m.user.id }
    assert_raises(CloudBooks::NotFoundError) { members.get(pablo_id) }
  end

  def test_s14_a_project_from_creation_to_deletion
    client = olive
    org = client.organizations.create(name: unique("Projects"))
    name = unique("Q3 close")

    project = client.projects.create(organization: org.id, name: name, description: "First")
    assert_instance_of CloudBooks::Project, project
    assert_equal [org.id, name, "First"], [project.organization, project.name, project.description]
    assert_equal client.users.me.id, project.created_by

    assert_equal project, client.projects.get(project.id)

    updated = client.projects.update(project.id, description: "Second")
    assert_equal ["Second", name], [updated.description, updated.name]

    new_name = unique("Q4 close")
    replaced = client.projects.replace(project.id, organization: org.id, name: new_name, description: "Third")
    assert_equal [new_name, "Third"], [replaced.name, replaced.description]

    assert_equal [project.id], client.projects.list(organization: org.id).map(&:id)

    assert_nil client.projects.delete(project.id)
    error = assert_raises(CloudBooks::NotFoundError) { client.projects.get(project.id) }
    assert_envelope error, CloudBooks::NotFoundError, 404, "not_found"
  end
end
