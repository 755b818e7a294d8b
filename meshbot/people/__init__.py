"""Who is who: members heard on the mesh, joins and roles."""
