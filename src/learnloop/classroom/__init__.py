"""The class server's domain: accounts and sign-in, classes and invites, rosters, the teacher's class view."""
